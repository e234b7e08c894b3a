// The frontier (compact range) is all a writer must keep in memory to keep
// appending and to compute the current root: one hash per set bit of size.
import type { Crypto } from '../crypto.ts';
import { emptyRoot, nodeHash } from './hash.ts';
import { hashNodes, perfectNodes, type NodeId } from './node.ts';

/** Hashes of the perfect subtrees of a tree, largest (leftmost) first. */
export type Frontier = Uint8Array[];

function popcount(n: number): number {
  let bits = 0;
  while (n > 0) {
    bits += n % 2;
    n = Math.floor(n / 2);
  }
  return bits;
}

/**
 * Appends one leaf. Returns the new frontier and every perfect node the
 * append completed (the leaf, then each parent up to the first left turn),
 * which is exactly what storage has to persist for this leaf.
 */
export function appendLeaf(
  c: Crypto,
  frontier: Frontier,
  size: number,
  leafHash: Uint8Array,
): { frontier: Frontier; nodes: Array<NodeId & { hash: Uint8Array }> } {
  if (!Number.isSafeInteger(size) || size < 0 || size >= Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`invalid tree size ${size}`);
  }
  if (frontier.length !== popcount(size)) {
    throw new RangeError(`frontier has ${frontier.length} hashes, a tree of size ${size} needs ${popcount(size)}`);
  }
  const next = frontier.slice();
  const nodes: Array<NodeId & { hash: Uint8Array }> = [{ level: 0, index: size, hash: leafHash }];
  let hash = leafHash;
  let level = 0;
  let index = size;
  // Each trailing 1 bit of size is a left sibling that is now complete.
  while (index % 2 === 1) {
    hash = nodeHash(c, next.pop()!, hash);
    level++;
    index = (index - 1) / 2;
    nodes.push({ level, index, hash });
  }
  next.push(hash);
  return { frontier: next, nodes };
}

export function frontierRoot(c: Crypto, frontier: Frontier): Uint8Array {
  return frontier.length === 0 ? emptyRoot(c) : hashNodes(c, frontier);
}

/** Which stored nodes make up the frontier of a tree of `size`, in frontier order. */
export function frontierNodeIds(size: number): NodeId[] {
  return perfectNodes(0, size);
}
