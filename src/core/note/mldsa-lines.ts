// What a post-quantum verifier reports about a checkpoint's ML-DSA lines:
// which it checked, which it could not (no key for them), and which keys it
// was given but found no line for. The Ed25519 verification of the note is
// done elsewhere (and stays as it was); this is the part that keeps holding
// once Ed25519 no longer does.
import type { Crypto } from '../crypto.ts';
import { NoteError } from './errors.ts';
import { ALG_MLDSA44_COSIGNATURE, type VerifierKey } from './key.ts';
import { MLDSA44_SIGNATURE_SIZE } from './mldsa.ts';
import { parseNote, verifyNote } from './note.ts';

export interface MlDsaLines {
  /** The given ML-DSA keys whose line verified, each with the timestamp it signed. */
  checked: Array<{ key: VerifierKey; timestamp: number }>;
  /** Given keys with no line in the note (a checkpoint signed before the key, or one stripped of its line). */
  missing: VerifierKey[];
  /** Lines shaped like ML-DSA-44 cosignatures (timestamp and a 2420-byte signature) whose key was not given. */
  unchecked: Array<{ name: string; hash: number }>;
}

/**
 * Checks every line of `note` signed by one of the ML-DSA-44 keys `pqKeys`.
 * Throws NoteError if one is invalid (a bad signature from a trusted key is
 * tampering, not noise), or if a key given is not an ML-DSA-44 key.
 */
export function checkMlDsaLines(c: Crypto, note: string, pqKeys: readonly VerifierKey[]): MlDsaLines {
  for (const k of pqKeys) if (k.alg !== ALG_MLDSA44_COSIGNATURE) throw new NoteError(`${k.name}'s key is not an ML-DSA-44 key (type 0x06)`);
  const { signatures } = parseNote(note);
  const signedBy = (k: VerifierKey) => signatures.some((s) => s.name === k.name && s.hash === k.hash);
  const present = pqKeys.filter(signedBy);
  const checked = present.length ? verifyNote(c, note, [...present]).cosignatures : [];
  const unchecked = signatures
    .filter((s) => s.signature.length === 8 + MLDSA44_SIGNATURE_SIZE && !pqKeys.some((k) => k.name === s.name && k.hash === s.hash))
    .map(({ name, hash }) => ({ name, hash }));
  return { checked, missing: pqKeys.filter((k) => !signedBy(k)), unchecked };
}
