// c2sp.org/tlog-witness add-checkpoint, without HTTP: a request body in, the
// cosignature lines or the spec's refusal status out. The order of checks follows the spec, and nothing is
// cosigned before the new state is durable. The only effects are the
// injected store, clock and signer, so the tests drive it directly.
import type { Crypto, Signer } from '../core/crypto.ts';
import { bytesEqual } from '../core/encoding.ts';
import { emptyRoot } from '../core/merkle/hash.ts';
import { verifyConsistency } from '../core/merkle/proof.ts';
import { parseAddCheckpoint, type AddCheckpointRequest } from '../core/note/add-checkpoint.ts';
import { parseCheckpoint, type Checkpoint } from '../core/note/checkpoint.ts';
import { signCosignature } from '../core/note/cosignature.ts';
import { parseVerifierKey } from '../core/note/key.ts';
import { parseNote, verifyNote } from '../core/note/note.ts';
import type { KnownLog, WitnessStore } from './store.ts';

export interface WitnessDeps {
  crypto: Crypto;
  /** The cosigner key name. */
  name: string;
  /** The cosigner key. It must sign nothing but cosignatures. */
  signer: Signer;
  /** Milliseconds since the epoch, like the station's clock; cosignatures carry whole seconds. */
  clock: () => number;
  store: WitnessStore;
}

export type RefusalStatus = 400 | 403 | 404 | 409 | 422;

export type AddCheckpointResult =
  | { ok: true; origin: string; size: number; timestamp: number; /** Complete signature lines, each ending in "\n". */ cosignatures: string[] }
  | {
      ok: false;
      status: RefusalStatus;
      message: string;
      origin?: string;
      /** With 409: the size the witness has cosigned. */
      knownSize?: number;
      /** The log signed something that contradicts what the witness saw; the request was kept. */
      evidence?: true;
    };

type Refusal = Extract<AddCheckpointResult, { ok: false }>;

const refuse = (status: RefusalStatus, message: string, origin?: string): Refusal => ({ ok: false, status, message, origin });

const conflict = (log: KnownLog, message: string): Refusal => ({ ok: false, status: 409, message, origin: log.origin, knownSize: log.size });

export function processAddCheckpoint(w: WitnessDeps, body: string): AddCheckpointResult {
  let req: AddCheckpointRequest;
  let origin: string;
  try {
    req = parseAddCheckpoint(body);
    // The origin is the note's first line; it is trusted only once a pinned key has signed it.
    origin = parseNote(req.checkpoint).text.split('\n', 1)[0];
  } catch (e) {
    return refuse(400, (e as Error).message);
  }

  const log = w.store.log(origin);
  if (!log) return refuse(404, 'unknown log', origin);

  // Stored keys were checked when pinned; one that no longer parses is a broken database, not a bad request.
  const keys = log.keys.map((k) => parseVerifierKey(w.crypto, k));
  let text: string;
  let checkpoint: Checkpoint;
  try {
    // Signatures by unknown keys (other witnesses, say) are ignored; a bad one by a pinned key fails the note.
    text = verifyNote(w.crypto, req.checkpoint, keys).text;
  } catch (e) {
    return refuse(403, `invalid checkpoint signature: ${(e as Error).message}`, origin);
  }
  try {
    checkpoint = parseCheckpoint(text);
  } catch (e) {
    return refuse(400, (e as Error).message, origin);
  }

  if (req.oldSize > checkpoint.size) return refuse(400, `old size ${req.oldSize} is larger than the checkpoint size ${checkpoint.size}`, origin);
  if (req.oldSize !== log.size) return conflict(log, `old size ${req.oldSize} is not the size of the latest cosigned checkpoint`);

  // Before the first cosignature the witness has "seen" the empty tree, whose root is fixed.
  const knownRoot = log.root ?? emptyRoot(w.crypto);
  const evidence = (reason: string) => w.store.recordEvidence({ origin, receivedAt: w.clock(), reason, request: body });
  if (checkpoint.size === log.size && !bytesEqual(checkpoint.root, knownRoot)) {
    evidence('same size, different root');
    return { ...conflict(log, `a checkpoint of size ${log.size} with a different root hash was already cosigned`), evidence: true };
  }
  if (!verifyConsistency(w.crypto, log.size, checkpoint.size, req.proof, knownRoot, checkpoint.root)) {
    evidence('consistency proof does not verify');
    return { ...refuse(422, `consistency proof from size ${log.size} to ${checkpoint.size} does not verify`, origin), evidence: true };
  }

  // Never earlier than the last cosignature: a v1 cosignature says "as of this
  // time, this is the largest tree I saw", so a clock stepping back must not
  // date a larger tree before a smaller one.
  const timestamp = Math.max(Math.floor(w.clock() / 1000), log.cosignedAt);
  const next = { size: checkpoint.size, root: checkpoint.root, note: req.checkpoint, cosignedAt: timestamp };
  if (!w.store.advance(origin, log, next)) {
    const now = w.store.log(origin)!;
    return conflict(now, 'another checkpoint was cosigned concurrently');
  }
  const cosignature = signCosignature(w.crypto, w.name, w.signer, text, timestamp);
  return { ok: true, origin, size: checkpoint.size, timestamp, cosignatures: [cosignature] };
}
