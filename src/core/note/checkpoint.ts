// c2sp.org/tlog-checkpoint note text: origin, tree size, root hash, then
// optional extension lines.
import { fromBase64, toBase64 } from '../encoding.ts';
import { NoteError } from './errors.ts';
import { checkNoteText } from './syntax.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

const ROOT_SIZE = 32;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw new NoteError(`checkpoint ${what} must be non-empty`);
  if (line.includes('\n')) throw new NoteError(`checkpoint ${what} must be a single line`);
}

export function formatCheckpoint(cp: Checkpoint): string {
  checkLine(cp.origin, 'origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError(`invalid checkpoint size ${cp.size}`);
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== ROOT_SIZE) throw new NoteError('checkpoint root must be 32 bytes');
  for (const ext of cp.extensions) checkLine(ext, 'extension line');
  const text = [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].map((l) => `${l}\n`).join('');
  checkNoteText(text, 'checkpoint');
  return text;
}

/**
 * Parses checkpoint note text (not the signed note: verify that first and
 * pass its text). Strict: any deviation from the canonical form is an error,
 * so a signed checkpoint has exactly one meaning.
 */
export function parseCheckpoint(text: string): Checkpoint {
  checkNoteText(text, 'checkpoint');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('checkpoint needs an origin, a size and a root hash');
  const [origin, sizeText, rootText, ...extensions] = lines;
  checkLine(origin, 'origin');
  if (!DECIMAL.test(sizeText)) throw new NoteError('checkpoint size must be decimal without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteError('checkpoint size is too large');
  let root: Uint8Array;
  try {
    root = fromBase64(rootText);
  } catch (e) {
    throw new NoteError(`checkpoint root is not valid base64: ${(e as Error).message}`);
  }
  if (root.length !== ROOT_SIZE) throw new NoteError('checkpoint root must be 32 bytes');
  for (const ext of extensions) checkLine(ext, 'extension line');
  return { origin, size, root, extensions };
}
