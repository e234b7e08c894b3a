import type { Crypto } from '../core/crypto.ts';
import { badRequest, HotlineError } from '../core/errors.ts';
import { nodeKey, type NodeId } from '../core/merkle/node.ts';
import { consistencyProof, consistencyProofNodeIds, inclusionProof, inclusionProofNodeIds } from '../core/merkle/proof.ts';
import { encodeEntryBundle, hashTileNodeRange, type TileId } from '../core/tile.ts';
import { concatBytes } from '../core/encoding.ts';
import type { CheckpointRecord, LogId, Store } from './storage/store.ts';

const notFound = (what: string) => new HotlineError('not_found', what);

/** Reads a log as the outside sees it: checkpoints, proofs, tiles, entries. */
export class LogReader {
  constructor(private readonly store: Store, private readonly c: Crypto) {}

  async checkpoint(log: LogId): Promise<CheckpointRecord> {
    const cp = await this.store.latestCheckpoint(log);
    if (!cp) throw notFound('this log has no checkpoint yet');
    return cp;
  }

  /** The size proofs default to: the latest signed checkpoint, never unsigned entries. */
  async signedSize(log: LogId): Promise<number> {
    return (await this.store.latestCheckpoint(log))?.size ?? 0;
  }

  async inclusion(log: LogId, index: number, size?: number): Promise<{ index: number; size: number; proof: Uint8Array[] }> {
    const signed = await this.signedSize(log);
    const n = size ?? signed;
    if (n > signed) throw badRequest(`size ${n} is beyond the latest checkpoint (${signed})`);
    if (index >= n) throw badRequest(`index ${index} is not below size ${n}`);
    const proof = inclusionProof(this.c, index, n, await this.lookup(log, inclusionProofNodeIds(index, n)));
    return { index, size: n, proof };
  }

  async consistency(log: LogId, from: number, to?: number): Promise<{ from: number; to: number; proof: Uint8Array[] }> {
    const signed = await this.signedSize(log);
    const n = to ?? signed;
    if (n > signed) throw badRequest(`size ${n} is beyond the latest checkpoint (${signed})`);
    if (from > n) throw badRequest(`from ${from} is larger than to ${n}`);
    const proof = consistencyProof(this.c, from, n, await this.lookup(log, consistencyProofNodeIds(from, n)));
    return { from, to: n, proof };
  }

  /** A hash tile: concatenated 32-byte hashes, as C2SP tlog-tiles serves them. */
  async hashTile(log: LogId, tile: TileId): Promise<Uint8Array> {
    const { level, start, end } = hashTileNodeRange(tile);
    const signed = await this.signedSize(log);
    if (end > Math.floor(signed / 2 ** level)) throw notFound('no such tile');
    const hashes = await this.store.nodeRange(log, level, start, end);
    if (hashes.length !== end - start) throw notFound('no such tile');
    return concatBytes(...hashes);
  }

  async entryBundle(log: LogId, index: number, width: number): Promise<Uint8Array> {
    const start = index * 256;
    const signed = await this.signedSize(log);
    if (start + width > signed) throw notFound('no such tile');
    const entries = await this.store.entries(log, start, start + width);
    if (entries.length !== width) throw notFound('no such tile');
    return encodeEntryBundle(entries);
  }

  private async lookup(log: LogId, ids: NodeId[]): Promise<(id: NodeId) => Uint8Array> {
    const nodes = await this.store.nodes(log, ids);
    return (id) => {
      const hash = nodes.get(nodeKey(id));
      // A missing node means the database lost part of a tree it had signed.
      if (!hash) throw new HotlineError('integrity', `tree node ${nodeKey(id)} of ${log.party}'s log is missing`);
      return hash;
    };
  }
}
