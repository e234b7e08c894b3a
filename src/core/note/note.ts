// c2sp.org/signed-note: text, a blank line, then one or more signature lines.
// Verification follows the spec's key rules: signatures from unknown keys
// are ignored, a known key's signature must verify, and at least one must.
import type { Crypto, Signer } from '../crypto.ts';
import { bytesEqual, utf8Encode } from '../encoding.ts';
import { verifyCosignatureSignature } from './cosignature.ts';
import { NoteError } from './errors.ts';
import { ALG_COSIGNATURE_V1, ALG_ED25519, ALG_MLDSA44_COSIGNATURE, ALG_MLDSA44_NOTE, isValidKeyName, keyHash, type VerifierKey } from './key.ts';
import { signMlDsaCosignature, verifyMlDsaCosignatureSignature, verifyMlDsaNoteSignature, type MlDsaSigning } from './mldsa.ts';
import {
  checkNoteText,
  describeKey,
  formatSignatureLine,
  MAX_SIGNATURES,
  parseSignatureLine,
  type NoteSignature,
} from './syntax.ts';

export { NoteError } from './errors.ts';
export type { NoteSignature } from './syntax.ts';

export interface Note {
  text: string;
  signatures: NoteSignature[];
}

/**
 * Parses a signed note without checking any signature. The text ends at the
 * last blank line (the text itself may contain blank lines), and every line
 * after it must be a well-formed signature line.
 */
export function parseNote(message: string): Note {
  if (typeof message !== 'string') throw new NoteError('note must be a string');
  checkNoteText(message, 'note');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note has no blank line before its signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0) throw new NoteError('note has no signatures');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`note has more than ${MAX_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw new NoteError('a signed note needs at least one signature');
  if (note.signatures.length > MAX_SIGNATURES) throw new NoteError(`note has more than ${MAX_SIGNATURES} signatures`);
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/**
 * Signs `text` with each Ed25519 signer and returns the complete signed note.
 * Each of `mlDsa` adds an ML-DSA-44 line (type 0x06) after the Ed25519 ones;
 * that type signs checkpoints only (origin, size, root), so `text` must be one.
 */
export function signNote(c: Crypto, text: string, signers: Array<{ name: string; signer: Signer }>, mlDsa: MlDsaSigning[] = []): string {
  checkNoteText(text);
  if (signers.length + mlDsa.length > MAX_SIGNATURES) throw new NoteError(`note has more than ${MAX_SIGNATURES} signatures`);
  const message = utf8Encode(text);
  const signatures = signers.map(({ name, signer }) => {
    if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
    return { name, hash: keyHash(c, name, ALG_ED25519, signer.publicKey), signature: signer.sign(message) };
  });
  const note = formatNote({ text, signatures });
  return note + mlDsa.map(({ name, signer, timestamp }) => signMlDsaCosignature(c, name, signer, text, timestamp ?? 0)).join('');
}

function sameKey(a: VerifierKey, b: VerifierKey): boolean {
  return a.alg === b.alg && bytesEqual(a.publicKey, b.publicKey);
}

/**
 * Verifies a signed note against known keys. Ed25519 (0x01) keys verify the
 * text directly; cosignature/v1 (0x04) and ML-DSA-44 cosignature (0x06) keys
 * are verified here too, and Hotline's ML-DSA-44 note keys (0xff, key
 * statements), so a witness policy can pass log and witness keys
 * together, and a verifier that knows a station's ML-DSA key checks that
 * line (one that does not skips it, as any unknown key). Every signature line
 * matching a known key (by name and hash) must verify, even a duplicate, or
 * the whole note is rejected: a bad signature from a trusted key is evidence
 * of tampering, not noise. Throws NoteError if no known key signed.
 *
 * `verified` lists each known key that signed, once, in signature order;
 * `cosignatures` adds the timestamp each 0x04 or 0x06 key signed at.
 */
export function verifyNote(
  c: Crypto,
  message: string,
  known: VerifierKey[],
): { text: string; verified: VerifierKey[]; cosignatures: Array<{ key: VerifierKey; timestamp: number }> } {
  const note = parseNote(message);
  const text = utf8Encode(note.text);
  const verified: VerifierKey[] = [];
  const cosignatures: Array<{ key: VerifierKey; timestamp: number }> = [];
  for (const sig of note.signatures) {
    const matches = known.filter((k) => k.name === sig.name && k.hash === sig.hash);
    if (matches.length === 0) continue;
    const key = matches[0];
    const id = describeKey(sig.name, sig.hash);
    if (!matches.every((k) => sameKey(k, key))) throw new NoteError(`ambiguous known key ${id}`);
    let timestamp: number | null = null;
    if (key.alg === ALG_ED25519) {
      if (!c.verify(key.publicKey, text, sig.signature)) throw new NoteError(`invalid signature by ${id}`);
    } else if (key.alg === ALG_COSIGNATURE_V1) {
      timestamp = verifyCosignatureSignature(c, key, note.text, sig.signature);
      if (timestamp === null) throw new NoteError(`invalid cosignature by ${id}`);
    } else if (key.alg === ALG_MLDSA44_COSIGNATURE) {
      timestamp = verifyMlDsaCosignatureSignature(c, key, note.text, sig.signature);
      if (timestamp === null) throw new NoteError(`invalid ML-DSA-44 signature by ${id}`);
    } else if (key.alg === ALG_MLDSA44_NOTE) {
      if (!verifyMlDsaNoteSignature(c, key, note.text, sig.signature)) throw new NoteError(`invalid ML-DSA-44 signature by ${id}`);
    } else {
      throw new NoteError(`unsupported algorithm 0x${key.alg.toString(16)} for key ${id}`);
    }
    if (!verified.includes(key)) {
      verified.push(key);
      if (timestamp !== null) cosignatures.push({ key, timestamp });
    }
  }
  if (verified.length === 0) throw new NoteError('note has no valid signature from a known key');
  return { text: note.text, verified, cosignatures };
}
