// Lexical rules shared by notes, checkpoints and cosignatures
// (c2sp.org/signed-note §Format).
import { fromBase64, isWellFormed, toBase64 } from '../encoding.ts';
import { NoteError } from './errors.ts';
import { formatKeyHash, isValidKeyName } from './key.ts';

export interface NoteSignature {
  name: string;
  /** Key ID: first 4 bytes of the signature blob, big-endian. */
  hash: number;
  /** The bytes after the 4-byte key hash. */
  signature: Uint8Array;
}

/** Go's sumdb/note limit; the spec requires accepting at least 16. */
export const MAX_SIGNATURES = 100;

export const SIGNATURE_PREFIX = '\u2014 ';

/** Note text must be well-formed, newline-terminated and free of control characters other than newline. */
export function checkNoteText(text: string, what = 'note text'): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw new NoteError(`${what} must end with a newline`);
  if (!isWellFormed(text)) throw new NoteError(`${what} is not valid UTF-8`);
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError(`${what} contains a control character`);
}

/** `— <name> <base64(hash ‖ signature)>\n` */
export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new NoteError(`invalid key name ${JSON.stringify(sig.name)}`);
  if (!Number.isInteger(sig.hash) || sig.hash < 0 || sig.hash > 0xffffffff) throw new NoteError('key hash must be a uint32');
  if (!(sig.signature instanceof Uint8Array) || sig.signature.length === 0) throw new NoteError('signature must be non-empty');
  const blob = new Uint8Array(4 + sig.signature.length);
  new DataView(blob.buffer).setUint32(0, sig.hash);
  blob.set(sig.signature, 4);
  return `${SIGNATURE_PREFIX}${sig.name} ${toBase64(blob)}\n`;
}

/** Parses one signature line, without its trailing newline. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('signature line must start with an em dash and a space');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new NoteError('signature line has no signature');
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)} in signature line`);
  let blob: Uint8Array;
  try {
    blob = fromBase64(rest.slice(space + 1));
  } catch (e) {
    throw new NoteError(`signature by ${name} is not valid base64: ${(e as Error).message}`);
  }
  if (blob.length < 5) throw new NoteError(`signature by ${name} is too short`);
  const hash = new DataView(blob.buffer, blob.byteOffset).getUint32(0);
  return { name, hash, signature: blob.slice(4) };
}

export function describeKey(name: string, hash: number): string {
  return `${name}+${formatKeyHash(hash)}`;
}
