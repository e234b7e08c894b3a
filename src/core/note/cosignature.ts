// c2sp.org/tlog-cosignature, Ed25519 "cosignature/v1" (key type 0x04). The
// signed message commits to a time and the whole checkpoint text, but not to
// the cosigner's name, which is why a cosigner key must never be shared
// between names.
import type { Crypto, Signer } from '../crypto.ts';
import { concatBytes, utf8Encode } from '../encoding.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { NoteError } from './errors.ts';
import { ALG_COSIGNATURE_V1, ALG_MLDSA44_COSIGNATURE, formatVerifierKey, isValidKeyName, keyHash, type VerifierKey } from './key.ts';
import { verifyMlDsaCosignatureSignature } from './mldsa.ts';
import { formatSignatureLine, parseSignatureLine, type NoteSignature } from './syntax.ts';

const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;

function checkTimestamp(timestamp: number): void {
  // The spec allows up to 2^63-1; anything past 2^53 seconds is not a real time.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`invalid cosignature timestamp ${timestamp}`);
}

/** "cosignature/v1\ntime <t>\n" followed by the checkpoint text (with its final newline). */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  return utf8Encode(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

export function formatCosignerKey(c: Crypto, name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(c, name, publicKey, ALG_COSIGNATURE_V1);
}

/**
 * Returns the complete note signature line
 * `— <name> base64(keyID ‖ uint64be(timestamp) ‖ Ed25519 signature)\n`.
 * Refuses text that is not a checkpoint: a cosigner vouches for tree heads only.
 */
export function signCosignature(c: Crypto, name: string, signer: Signer, checkpointText: string, timestamp: number): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  parseCheckpoint(checkpointText);
  const sig = signer.sign(cosignatureMessage(checkpointText, timestamp));
  const stamp = new Uint8Array(TIMESTAMP_SIZE);
  new DataView(stamp.buffer).setBigUint64(0, BigInt(timestamp));
  return formatSignatureLine({
    name,
    hash: keyHash(c, name, ALG_COSIGNATURE_V1, signer.publicKey),
    signature: concatBytes(stamp, sig),
  });
}

/** The timestamp in a cosignature/v1 signature (bytes after the key hash), or null if malformed. */
export function cosignatureTimestamp(signature: Uint8Array): number | null {
  if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return null;
  const t = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  return t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : null;
}

/** Verifies the signature bytes (after the key hash) of a cosignature/v1 over `text`. */
export function verifyCosignatureSignature(c: Crypto, key: VerifierKey, text: string, signature: Uint8Array): number | null {
  if (key.alg !== ALG_COSIGNATURE_V1) return null;
  const timestamp = cosignatureTimestamp(signature);
  if (timestamp === null) return null;
  let message: Uint8Array;
  try {
    message = cosignatureMessage(text, timestamp);
  } catch {
    return null;
  }
  return c.verify(key.publicKey, message, signature.subarray(TIMESTAMP_SIZE)) ? timestamp : null;
}

/**
 * Checks one cosignature (a signature line, with or without its newline, or
 * an already parsed NoteSignature) against a 0x04 key, or a 0x06 (ML-DSA-44)
 * key. Returns null for anything that is not a valid cosignature by that key;
 * throws only for a 0x06 key given to a Crypto without ML-DSA.
 */
export function verifyCosignature(
  c: Crypto,
  key: VerifierKey,
  checkpointText: string,
  sigLineOrNoteSignature: string | NoteSignature,
): { timestamp: number } | null {
  let sig: NoteSignature;
  if (typeof sigLineOrNoteSignature === 'string') {
    const line = sigLineOrNoteSignature.endsWith('\n') ? sigLineOrNoteSignature.slice(0, -1) : sigLineOrNoteSignature;
    if (line.includes('\n')) return null;
    try {
      sig = parseSignatureLine(line);
    } catch {
      return null;
    }
  } else {
    sig = sigLineOrNoteSignature;
  }
  if (sig.name !== key.name || sig.hash !== key.hash) return null;
  const timestamp = key.alg === ALG_MLDSA44_COSIGNATURE
    ? verifyMlDsaCosignatureSignature(c, key, checkpointText, sig.signature)
    : verifyCosignatureSignature(c, key, checkpointText, sig.signature);
  return timestamp === null ? null : { timestamp };
}
