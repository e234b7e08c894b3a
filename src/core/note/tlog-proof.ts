// c2sp.org/tlog-proof@v1: a self-contained, offline-verifiable inclusion
// proof. Layout:
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <decimal>
//   <base64 hash>            zero or more, leaf's sibling first
//   <blank line>
//   <signed checkpoint note, verbatim>
import type { Crypto } from '../crypto.ts';
import { fromBase64, toBase64 } from '../encoding.ts';
import { verifyInclusion } from '../merkle/proof.ts';
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { NoteError } from './errors.ts';
import type { VerifierKey } from './key.ts';
import { parseNote, verifyNote } from './note.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  index: number;
  proof: Uint8Array[];
  /** The full signed checkpoint note, byte for byte as the log issued it. */
  checkpoint: string;
  /** Opaque, unauthenticated application data. */
  extra?: Uint8Array;
}

const HASH_SIZE = 32;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function checkSignedCheckpoint(note: string): void {
  parseCheckpoint(parseNote(note).text);
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new NoteError(`invalid entry index ${p.index}`);
  for (const h of p.proof) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new NoteError('proof hashes must be 32 bytes');
  }
  // An empty extra would print as "extra " and blur "absent" with "empty".
  if (p.extra !== undefined && p.extra.length === 0) throw new NoteError('extra data must be non-empty; omit it instead');
  checkSignedCheckpoint(p.checkpoint);
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map(toBase64), '');
  return `${lines.join('\n')}\n${p.checkpoint}`;
}

/** Parses the syntax (including the embedded note and checkpoint text); checks no signature. */
export function parseTlogProof(text: string): TlogProof {
  const lines: string[] = [];
  let at = 0;
  // Only the header part is split: the checkpoint is kept verbatim.
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) throw new NoteError('tlog proof ends before its checkpoint');
    const line = text.slice(at, nl);
    at = nl + 1;
    if (line === '') break;
    lines.push(line);
  }
  const checkpoint = text.slice(at);
  if (lines.shift() !== TLOG_PROOF_HEADER) throw new NoteError(`tlog proof must start with ${TLOG_PROOF_HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) {
    const encoded = lines.shift()!.slice('extra '.length);
    try {
      extra = fromBase64(encoded);
    } catch (e) {
      throw new NoteError(`tlog proof extra data is not valid base64: ${(e as Error).message}`);
    }
    if (extra.length === 0) throw new NoteError('tlog proof extra data is empty');
  }
  const indexLine = lines.shift();
  if (indexLine === undefined || !indexLine.startsWith('index ')) throw new NoteError('tlog proof has no index line');
  const indexText = indexLine.slice('index '.length);
  if (!DECIMAL.test(indexText) || !Number.isSafeInteger(Number(indexText))) {
    throw new NoteError('tlog proof index must be decimal without leading zeros');
  }
  const proof = lines.map((line, i) => {
    let h: Uint8Array;
    try {
      h = fromBase64(line);
    } catch (e) {
      throw new NoteError(`tlog proof hash ${i} is not valid base64: ${(e as Error).message}`);
    }
    if (h.length !== HASH_SIZE) throw new NoteError(`tlog proof hash ${i} is not 32 bytes`);
    return h;
  });
  checkSignedCheckpoint(checkpoint);
  const out: TlogProof = { index: Number(indexText), proof, checkpoint };
  if (extra !== undefined) out.extra = extra;
  return out;
}

/**
 * Full offline check: the checkpoint is signed by the known keys (see
 * verifyNote for the rules) and includes `leafHash` at the proof's index.
 * Throws NoteError on any failure; quorum policy over `verified` is the
 * caller's business.
 */
export function verifyTlogProof(
  c: Crypto,
  text: string,
  leafHash: Uint8Array,
  known: VerifierKey[],
): { proof: TlogProof; checkpoint: Checkpoint; verified: VerifierKey[] } {
  const proof = parseTlogProof(text);
  const { text: body, verified } = verifyNote(c, proof.checkpoint, known);
  const checkpoint = parseCheckpoint(body);
  if (!verifyInclusion(c, proof.index, checkpoint.size, leafHash, proof.proof, checkpoint.root)) {
    throw new NoteError(`entry ${proof.index} is not included in ${checkpoint.origin} at size ${checkpoint.size}`);
  }
  return { proof, checkpoint, verified };
}
