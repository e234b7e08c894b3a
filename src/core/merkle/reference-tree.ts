// An in-memory tree that stores every perfect node, built level by level
// without sharing code with the incremental frontier. Tests use it as the
// "storage" that proof generation reads from, and small offline verifiers can
// use it to serve proofs for a log held entirely in memory.
import type { Crypto } from '../crypto.ts';
import { nodeHash } from './hash.ts';
import type { NodeId } from './node.ts';

export class ReferenceTree {
  /** levels[l][i] is the hash of perfect node (l, i). */
  readonly levels: Uint8Array[][];

  constructor(c: Crypto, leafHashes: Uint8Array[]) {
    this.levels = [leafHashes.slice()];
    for (let below = this.levels[0]; below.length >= 2; ) {
      const up: Uint8Array[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) up.push(nodeHash(c, below[i], below[i + 1]));
      this.levels.push(up);
      below = up;
    }
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Throws if the node is not complete in this tree, so tests catch over-reads. */
  node = (id: NodeId): Uint8Array => {
    const hash = this.levels[id.level]?.[id.index];
    if (!hash) throw new RangeError(`node ${id.level}/${id.index} is not in a tree of size ${this.size}`);
    return hash;
  };
}
