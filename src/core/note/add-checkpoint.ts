// The c2sp.org/tlog-witness add-checkpoint request body: an "old <size>" line,
// zero or more consistency proof lines (one base64 hash each), an empty line,
// then the signed checkpoint note. It lives in the core because both sides
// need the same bytes: the station (client) writes it, the witness parses it.
import { fromBase64, toBase64 } from '../encoding.ts';
import { NoteError } from './errors.ts';

export interface AddCheckpointRequest {
  /** The size of the latest checkpoint the client believes the witness cosigned (0 if none). */
  oldSize: number;
  /** RFC 6962 consistency proof from oldSize to the checkpoint's size. */
  proof: Uint8Array[];
  /** The complete signed checkpoint note, with its signature lines. */
  checkpoint: string;
}

/** The spec forbids more: a proof between trees below 2^63 never needs more hashes. */
export const MAX_PROOF_LINES = 63;

const HASH_SIZE = 32;
// ASCII decimal without leading zeroes; "0" is the only spelling of zero.
const OLD_LINE = /^old (0|[1-9][0-9]*)$/;

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError(`invalid old size ${size}`);
}

function checkProof(proof: Uint8Array[]): void {
  if (!Array.isArray(proof)) throw new NoteError('consistency proof must be a list of hashes');
  if (proof.length > MAX_PROOF_LINES) throw new NoteError(`consistency proof has more than ${MAX_PROOF_LINES} lines`);
  for (const h of proof) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new NoteError('each consistency proof hash must be 32 bytes');
  }
}

export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  checkSize(req.oldSize);
  checkProof(req.proof);
  if (typeof req.checkpoint !== 'string' || !req.checkpoint.endsWith('\n')) {
    throw new NoteError('checkpoint must be a signed note ending with a newline');
  }
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

/**
 * Parses the framing only: the checkpoint comes back as unverified note text,
 * because what it means (which keys, which log) is the witness's business.
 * Strict: any deviation is a NoteError, which a witness answers with 400.
 */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  if (typeof body !== 'string') throw new NoteError('request body must be text');
  // The header has no empty lines, so the first blank line ends it; the
  // checkpoint note's own blank line comes after.
  const split = body.indexOf('\n\n');
  if (split < 0) throw new NoteError('request has no empty line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, split).split('\n');
  const m = OLD_LINE.exec(oldLine);
  if (!m) throw new NoteError("request must start with 'old <size>'");
  const oldSize = Number(m[1]);
  if (!Number.isSafeInteger(oldSize)) throw new NoteError('old size is too large');
  if (proofLines.length > MAX_PROOF_LINES) throw new NoteError(`consistency proof has more than ${MAX_PROOF_LINES} lines`);
  const proof = proofLines.map((line, i) => {
    let h: Uint8Array;
    try {
      h = fromBase64(line);
    } catch (e) {
      throw new NoteError(`consistency proof line ${i + 1} is not valid base64: ${(e as Error).message}`);
    }
    if (h.length !== HASH_SIZE) throw new NoteError(`consistency proof line ${i + 1} is not a 32-byte hash`);
    return h;
  });
  const checkpoint = body.slice(split + 2);
  if (checkpoint.length === 0) throw new NoteError('request has no checkpoint');
  return { oldSize, proof, checkpoint };
}
