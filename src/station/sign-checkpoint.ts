// This station's signed checkpoint of its own log on a line. With an ML-DSA
// key the note carries two lines: Ed25519 (what every verifier checks today)
// and ML-DSA-44 (c2sp.org/tlog-cosignature type 0x06, timestamp 0: the log's
// own line makes no claim about time, as its Ed25519 line does not), which an
// Ed25519-only verifier skips and a post-quantum one checks.
import type { Crypto, PqSigner, Signer } from '../core/crypto.ts';
import { logOrigin } from '../core/line.ts';
import { frontierRoot, type Frontier } from '../core/merkle/frontier.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { signNote } from '../core/note/note.ts';
import type { CheckpointRecord } from './storage/store.ts';

/** The checkpoint of `party`'s log on `line` at `size`, whose tree frontier is given. */
export function signCheckpoint(deps: { crypto: Crypto; signer: Signer; party: string; pq?: PqSigner }, line: string, size: number, frontier: Frontier): CheckpointRecord {
  const { crypto: c, signer, party, pq } = deps;
  const text = formatCheckpoint({ origin: logOrigin(line, party), size, root: frontierRoot(c, frontier), extensions: [] });
  return { line, party, size, note: signNote(c, text, [{ name: party, signer }], pq ? [{ name: party, signer: pq }] : []) };
}
