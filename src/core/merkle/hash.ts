// RFC 6962 §2.1 hashing. The 0x00/0x01 prefixes domain-separate leaves from
// interior nodes so a leaf can never be passed off as a subtree.
import type { Crypto } from '../crypto.ts';
import { concatBytes } from '../encoding.ts';

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export const HASH_SIZE = 32;

export function leafHash(c: Crypto, data: Uint8Array): Uint8Array {
  return c.sha256(concatBytes(LEAF_PREFIX, data));
}

export function nodeHash(c: Crypto, left: Uint8Array, right: Uint8Array): Uint8Array {
  return c.sha256(concatBytes(NODE_PREFIX, left, right));
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(c: Crypto): Uint8Array {
  return c.sha256(new Uint8Array(0));
}

/** Largest power of two strictly less than n (n >= 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Reference MTH straight from RFC 6962's recursive definition. Deliberately
 * naive: it is the yardstick the incremental code is tested against.
 */
export function rootFromLeafHashes(c: Crypto, leafHashes: Uint8Array[]): Uint8Array {
  const mth = (start: number, end: number): Uint8Array => {
    const n = end - start;
    if (n === 1) return leafHashes[start];
    const k = splitPoint(n);
    return nodeHash(c, mth(start, start + k), mth(start + k, end));
  };
  return leafHashes.length === 0 ? emptyRoot(c) : mth(0, leafHashes.length);
}
