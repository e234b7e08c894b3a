// Perfect subtrees are the unit of storage: once complete, their hash never
// changes, so they can be written once and read by id forever.
import type { Crypto } from '../crypto.ts';
import { nodeHash } from './hash.ts';

/** The perfect subtree covering leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}

function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid leaf range [${start}, ${end})`);
  }
}

/**
 * Splits [start, end) into maximal aligned perfect subtrees, left to right.
 * Arithmetic rather than bit operators because tree sizes exceed 2^32.
 */
export function perfectNodes(start: number, end: number): NodeId[] {
  checkRange(start, end);
  const out: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    let width = 1;
    while (at % (width * 2) === 0 && at + width * 2 <= end) {
      level++;
      width *= 2;
    }
    out.push({ level, index: at / width });
    at += width;
  }
  return out;
}

/**
 * Folds the hashes of a perfect decomposition into the RFC 6962 hash of the
 * whole range. Only meaningful for ranges that are subtrees in RFC 6962's
 * split structure (every range a proof or a tree head uses): there the
 * right-hand pieces nest, so the fold is from the right.
 */
export function hashNodes(c: Crypto, hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new RangeError('cannot hash an empty range');
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(c, hashes[i], acc);
  return acc;
}
