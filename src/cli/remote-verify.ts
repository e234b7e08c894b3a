import type { Crypto } from '../core/crypto.ts';
import { bytesEqual } from '../core/encoding.ts';
import { IntegrityError, LogVerifier, openCheckpoint, type LogSubject } from '../core/log-verifier.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { verifyConsistency } from '../core/merkle/proof.ts';
import type { Checkpoint } from '../core/note/checkpoint.ts';
import { fromBase64 } from '../core/encoding.ts';
import { decodeEntryBundle, entriesPath, tilePath } from '../core/tile.ts';
import { logPath, type Client } from './client.ts';
import { HotlineError } from '../core/errors.ts';

const PARALLEL = 8;

/**
 * Verifies one log served by a station, reading it the way any tlog-tiles
 * client would: the signed checkpoint, then entry bundles and level-0 hash
 * tiles. Every entry's signature, every leaf hash, and the root are checked.
 */
export async function verifyRemoteLog(c: Crypto, client: Client, subject: LogSubject, since?: string): Promise<{ checkpoint: Checkpoint; note: string } | null> {
  const base = logPath(subject.line, subject.party);
  let note: string;
  try {
    note = await client.text(`${base}checkpoint`);
  } catch (e) {
    if (e instanceof HotlineError && e.code === 'not_found') return null;
    throw e;
  }
  const cp = openCheckpoint(c, subject, note);
  const verifier = new LogVerifier(c, subject);
  const tiles = Math.ceil(cp.size / 256);
  // Fetch ahead while verifying in order.
  const fetches: Array<Promise<[Uint8Array, Uint8Array]>> = [];
  const fetchTile = async (n: number): Promise<[Uint8Array, Uint8Array]> => {
    const width = Math.min(256, cp.size - n * 256);
    try {
      return await Promise.all([client.bytes(base + entriesPath(n, width)), client.bytes(base + tilePath({ level: 0, index: n, width }))]);
    } catch (e) {
      // The checkpoint promises these tiles; a station that cannot serve them has lost part of its log.
      if (e instanceof HotlineError && e.code === 'not_found') {
        throw new IntegrityError(`tile ${n} of ${subject.party}'s log (entries ${n * 256}..) is missing, though the checkpoint covers ${cp.size} entries`, { party: subject.party, seq: n * 256 });
      }
      throw e;
    }
  };
  // A prefetched tile may fail before its turn; mark it handled so the failure surfaces in order.
  const prefetch = (n: number) => {
    const p = fetchTile(n);
    p.catch(() => undefined);
    fetches.push(p);
  };
  for (let n = 0; n < Math.min(PARALLEL, tiles); n++) prefetch(n);
  for (let n = 0; n < tiles; n++) {
    if (n + PARALLEL < tiles) prefetch(n + PARALLEL);
    const [bundle, hashes] = await fetches[n];
    fetches[n] = undefined as never;
    const entries = decodeEntryBundle(bundle);
    for (const [i, bytes] of entries.entries()) {
      const seq = n * 256 + i;
      verifier.add(bytes);
      const served = hashes.subarray(i * 32, i * 32 + 32);
      if (served.length !== 32 || !bytesEqual(served, leafHash(c, bytes))) {
        throw new IntegrityError(`entry ${seq} of ${subject.party}'s log: the station's hash tile disagrees with the entry`, { party: subject.party, seq });
      }
    }
  }
  verifier.finish(note);
  if (since) {
    const old = openCheckpoint(c, subject, since);
    if (old.size > cp.size) throw new IntegrityError(`${subject.party}'s log shrank: it was ${old.size} entries, now ${cp.size}`);
    const reply = await client.json<{ proof: string[] }>('GET', `${base}proof/consistency?from=${old.size}&to=${cp.size}`);
    const proof = reply.proof.map(fromBase64);
    const ok = old.size === cp.size ? bytesEqual(old.root, cp.root) : old.size === 0 || verifyConsistency(c, old.size, cp.size, proof, old.root, cp.root);
    if (!ok) throw new IntegrityError(`${subject.party}'s log at size ${cp.size} is not consistent with the checkpoint seen earlier at size ${old.size}: two histories`);
  }
  return { checkpoint: cp, note };
}
