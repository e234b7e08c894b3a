// RFC 6962 §2.1.1/§2.1.2 proof generation and RFC 9162 §2.1.3.2/§2.1.4.2
// verification. Generation works on stored perfect nodes: each proof element
// is the hash of a contiguous leaf range, rebuilt by folding that range's
// perfect decomposition, so storage never needs non-perfect nodes.
import type { Crypto } from '../crypto.ts';
import { bytesEqual } from '../encoding.ts';
import { emptyRoot, HASH_SIZE, nodeHash, splitPoint } from './hash.ts';
import { hashNodes, nodeKey, perfectNodes, type NodeId } from './node.ts';

/** A half-open leaf range [start, end) whose RFC 6962 hash is one proof element. */
type Range = readonly [start: number, end: number];

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

// RFC 6962 PATH(m, D[start:start+n]), elements ordered leaf to root.
function inclusionRanges(index: number, size: number): Range[] {
  if (!isSize(index) || !isSize(size) || index >= size) {
    throw new RangeError(`no inclusion proof for index ${index} in a tree of size ${size}`);
  }
  const out: Range[] = [];
  let start = 0;
  let n = size;
  let m = index;
  // Walk root to leaf, then reverse: the RFC lists the deepest sibling first.
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      out.push([start + k, start + n]);
      n = k;
    } else {
      out.push([start, start + k]);
      start += k;
      m -= k;
      n -= k;
    }
  }
  return out.reverse();
}

// RFC 6962 SUBPROOF(m, D[n], true), elements ordered as the RFC emits them.
function consistencyRanges(m: number, n: number): Range[] {
  if (!isSize(m) || !isSize(n) || m > n) {
    throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  }
  // Nothing to prove for an empty old tree or an unchanged one.
  if (m === 0 || m === n) return [];
  const out: Range[] = [];
  let start = 0;
  let size = n;
  let mm = m;
  let complete = true;
  while (mm !== size) {
    const k = splitPoint(size);
    if (mm <= k) {
      out.push([start + k, start + size]);
      size = k;
    } else {
      out.push([start, start + k]);
      start += k;
      mm -= k;
      size -= k;
      complete = false;
    }
  }
  // When the old tree is itself a subtree of the new one the verifier
  // already knows its hash; otherwise the proof must carry it.
  if (!complete) out.push([start, start + size]);
  return out.reverse();
}

function nodeIdsFor(ranges: Range[]): NodeId[] {
  const seen = new Set<string>();
  const out: NodeId[] = [];
  for (const [start, end] of ranges) {
    for (const id of perfectNodes(start, end)) {
      const key = nodeKey(id);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(id);
      }
    }
  }
  return out;
}

function hashRanges(c: Crypto, ranges: Range[], node: (id: NodeId) => Uint8Array): Uint8Array[] {
  return ranges.map(([start, end]) => hashNodes(c, perfectNodes(start, end).map(node)));
}

/** Every stored perfect node that inclusionProof(index, size) reads. */
export function inclusionProofNodeIds(index: number, size: number): NodeId[] {
  return nodeIdsFor(inclusionRanges(index, size));
}

/** Every stored perfect node that consistencyProof(m, n) reads. */
export function consistencyProofNodeIds(m: number, n: number): NodeId[] {
  return nodeIdsFor(consistencyRanges(m, n));
}

/** RFC 6962 PATH(index, D[size]). Throws RangeError unless index < size. */
export function inclusionProof(
  c: Crypto,
  index: number,
  size: number,
  node: (id: NodeId) => Uint8Array,
): Uint8Array[] {
  return hashRanges(c, inclusionRanges(index, size), node);
}

/**
 * RFC 6962 PROOF(m, D[n]). Returns [] for m = 0 and m = n, the cases in which
 * there is nothing to prove. Throws RangeError unless 0 <= m <= n.
 */
export function consistencyProof(
  c: Crypto,
  m: number,
  n: number,
  node: (id: NodeId) => Uint8Array,
): Uint8Array[] {
  return hashRanges(c, consistencyRanges(m, n), node);
}

function allHashes(hashes: Uint8Array[]): boolean {
  return hashes.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}

// Halving by division: bit operators would truncate sizes to 32 bits.
const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

function isPowerOfTwo(x: number): boolean {
  while (x > 1 && !odd(x)) x = half(x);
  return x === 1;
}

/** RFC 9162 §2.1.3.2. Returns false, never throws, on any malformed input. */
export function verifyInclusion(
  c: Crypto,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  if (!Array.isArray(proof) || !allHashes([leafHash, root, ...proof])) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(c, p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(c, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2, plus the two trivial cases the RFC's algorithm
 * excludes (it assumes 0 < m < n):
 *   - m = n: valid iff the proof is empty and the roots are equal.
 *   - m = 0: valid iff the proof is empty and rootM is the empty-tree hash.
 *     The empty tree is a prefix of every tree, but requiring its one
 *     correct root keeps a bogus "size 0" checkpoint from passing.
 * Returns false, never throws, on any malformed input.
 */
export function verifyConsistency(
  c: Crypto,
  m: number,
  n: number,
  proof: Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  if (!isSize(m) || !isSize(n) || m > n) return false;
  if (!Array.isArray(proof) || !allHashes([rootM, rootN, ...proof])) return false;
  if (m === n) return proof.length === 0 && bytesEqual(rootM, rootN);
  if (m === 0) return proof.length === 0 && bytesEqual(rootM, emptyRoot(c));
  if (proof.length === 0) return false;
  // A power-of-two old tree is a complete subtree, so its root starts the path.
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const p = path[i];
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, p, fr);
      sr = nodeHash(c, p, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(c, sr, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, rootM) && bytesEqual(sr, rootN);
}
