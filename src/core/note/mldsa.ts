// c2sp.org/tlog-cosignature, timestamped ML-DSA-44 (sub)tree cosignatures
// (signature type 0x06). Hotline puts one beside the Ed25519 line of each
// checkpoint (the station's own, timestamp 0, as an MTC log's CA cosigner
// does) and of each receipt, so a verifier that knows only Ed25519 skips it
// (an unknown key) and one that knows ML-DSA keeps trusting the record after
// Ed25519 falls. Unlike cosignature/v1 the signed message is binary, commits
// to the signer's name and covers origin, size and root but no extension
// line: a checkpoint with extension lines is refused rather than half signed.
import type { Crypto, PqSigner } from '../crypto.ts';
import { concatBytes, fromBase64, toBase64, utf8Encode } from '../encoding.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { NoteError } from './errors.ts';
import {
  ALG_MLDSA44_COSIGNATURE,
  ALG_MLDSA44_NOTE,
  formatKeyHash,
  formatVerifierKey,
  isValidKeyName,
  keyHash,
  MLDSA44_PUBLIC_KEY_SIZE,
  type VerifierKey,
} from './key.ts';
import { formatSignatureLine } from './syntax.ts';

/** FIPS 204 Table 2: the ML-DSA-44 signature. */
export const MLDSA44_SIGNATURE_SIZE = 2420;
/** The seed ξ of ML-DSA.KeyGen_internal: what a station keeps on disk. */
export const MLDSA44_SEED_SIZE = 32;
const TIMESTAMP_SIZE = 8;
const LABEL = utf8Encode('subtree/v1\n\u0000');
const SIGNER_PREFIX = 'PRIVATE+KEY+';

/** What one ML-DSA line signs, for signNote: the station's own line has timestamp 0 (no claim about time). */
export interface MlDsaSigning {
  name: string;
  signer: PqSigner;
  timestamp?: number;
}

function checkTimestamp(timestamp: number): void {
  // The spec allows up to 2^63-1; anything past 2^53 seconds is not a real time.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`invalid cosignature timestamp ${timestamp}`);
}

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

function u8Prefixed(what: string, text: string): Uint8Array {
  const bytes = utf8Encode(text);
  if (bytes.length < 1 || bytes.length > 255) throw new NoteError(`${what} must be 1 to 255 bytes for an ML-DSA-44 cosignature`);
  return concatBytes(new Uint8Array([bytes.length]), bytes);
}

/**
 * The `cosigned_message` of tlog-cosignature: label "subtree/v1\n\0", the
 * cosigner's name (u8-prefixed), u64 timestamp, the origin (u8-prefixed),
 * u64 start (0: a checkpoint is the subtree from the first leaf), u64 end
 * (the size) and the 32-byte root.
 */
export function mlDsaCosignedMessage(cosigner: string, timestamp: number, checkpointText: string): Uint8Array {
  checkTimestamp(timestamp);
  const cp = parseCheckpoint(checkpointText);
  if (cp.extensions.length > 0) throw new NoteError('an ML-DSA-44 cosignature does not cover checkpoint extension lines');
  return concatBytes(LABEL, u8Prefixed('the cosigner name', cosigner), u64(timestamp), u8Prefixed('the log origin', cp.origin), u64(0), u64(cp.size), cp.root);
}

/** `<name>+<hash>+base64(0x06 ‖ 1312-byte public key)`. */
export function formatMlDsaVerifierKey(c: Crypto, name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(c, name, publicKey, ALG_MLDSA44_COSIGNATURE);
}

/**
 * The complete note signature line
 * `— <name> base64(keyID ‖ uint64be(timestamp) ‖ ML-DSA-44 signature)\n`.
 */
export function signMlDsaCosignature(c: Crypto, name: string, signer: PqSigner, checkpointText: string, timestamp: number): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (signer.publicKey.length !== MLDSA44_PUBLIC_KEY_SIZE) throw new NoteError('an ML-DSA-44 signer has a 1312-byte public key');
  const sig = signer.sign(mlDsaCosignedMessage(name, timestamp, checkpointText));
  if (sig.length !== MLDSA44_SIGNATURE_SIZE) throw new NoteError('the ML-DSA-44 signer did not return a 2420-byte signature');
  return formatSignatureLine({
    name,
    hash: keyHash(c, name, ALG_MLDSA44_COSIGNATURE, signer.publicKey),
    signature: concatBytes(u64(timestamp), sig),
  });
}

/** The timestamp in an ML-DSA-44 cosignature (bytes after the key hash), or null if malformed. */
export function mlDsaCosignatureTimestamp(signature: Uint8Array): number | null {
  if (signature.length !== TIMESTAMP_SIZE + MLDSA44_SIGNATURE_SIZE) return null;
  const t = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  return t <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t) : null;
}

/**
 * Verifies the signature bytes (after the key hash) of an ML-DSA-44
 * cosignature over the checkpoint `text`; returns its timestamp, or null.
 * Throws only when the Crypto has no ML-DSA: the caller asked for a check it
 * cannot make, which must not pass for a failed one or a skipped one.
 */
export function verifyMlDsaCosignatureSignature(c: Crypto, key: VerifierKey, text: string, signature: Uint8Array): number | null {
  if (key.alg !== ALG_MLDSA44_COSIGNATURE) return null;
  if (!c.verifyMlDsa44) throw new NoteError(`this verifier has no ML-DSA-44 to check ${key.name}+${formatKeyHash(key.hash)}`);
  const timestamp = mlDsaCosignatureTimestamp(signature);
  if (timestamp === null) return null;
  let message: Uint8Array;
  try {
    message = mlDsaCosignedMessage(key.name, timestamp, text);
  } catch {
    return null;
  }
  return c.verifyMlDsa44(key.publicKey, message, signature.subarray(TIMESTAMP_SIZE)) ? timestamp : null;
}

/**
 * Hotline's own ML-DSA-44 line over any note text (type 0xff ‖
 * "hotline/ml-dsa-44-note/v1", see key.ts): for key statements (rotation,
 * revocation), which are not checkpoints and so cannot carry a 0x06 line.
 * The signature is FIPS 204 ML-DSA-44 (pure, empty context) of the note
 * text, as Ed25519 signs it; no note text can be mistaken for a 0x06
 * message, which begins "subtree/v1\n\0" (a note holds no NUL). The line is
 * `— <name> base64(keyID ‖ 2420-byte signature)\n`.
 */
export function signMlDsaNote(c: Crypto, name: string, signer: PqSigner, text: string): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (signer.publicKey.length !== MLDSA44_PUBLIC_KEY_SIZE) throw new NoteError('an ML-DSA-44 signer has a 1312-byte public key');
  const sig = signer.sign(utf8Encode(text));
  if (sig.length !== MLDSA44_SIGNATURE_SIZE) throw new NoteError('the ML-DSA-44 signer did not return a 2420-byte signature');
  return formatSignatureLine({ name, hash: keyHash(c, name, ALG_MLDSA44_NOTE, signer.publicKey), signature: sig });
}

/** `<name>+<hash>+base64(0xff ‖ "hotline/ml-dsa-44-note/v1" ‖ 1312-byte public key)`: the same key, for note lines. */
export function formatMlDsaNoteVerifierKey(c: Crypto, name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(c, name, publicKey, ALG_MLDSA44_NOTE);
}

/**
 * The note-line key (0xff) of a station's ML-DSA key, from its 0x06 key: one
 * ML-DSA key, pinned once (as 0x06), checks both kinds of line.
 */
export function mlDsaNoteKeyOf(c: Crypto, key: VerifierKey): VerifierKey {
  if (key.alg !== ALG_MLDSA44_COSIGNATURE) throw new NoteError(`${key.name}'s key is not an ML-DSA-44 key (type 0x06)`);
  return { name: key.name, alg: ALG_MLDSA44_NOTE, publicKey: key.publicKey, hash: keyHash(c, key.name, ALG_MLDSA44_NOTE, key.publicKey) };
}

/** Verifies the signature bytes (after the key hash) of a Hotline ML-DSA-44 note line over `text`. */
export function verifyMlDsaNoteSignature(c: Crypto, key: VerifierKey, text: string, signature: Uint8Array): boolean {
  if (key.alg !== ALG_MLDSA44_NOTE) return false;
  if (!c.verifyMlDsa44) throw new NoteError(`this verifier has no ML-DSA-44 to check ${key.name}+${formatKeyHash(key.hash)}`);
  return signature.length === MLDSA44_SIGNATURE_SIZE && c.verifyMlDsa44(key.publicKey, utf8Encode(text), signature);
}

/**
 * Hotline's ML-DSA private key file, by analogy with Go's Ed25519 signer
 * keys: `PRIVATE+KEY+<name>+<hash>+base64(0x06 ‖ 32-byte seed)`, the hash
 * being the verifier key's (of the public key, which the caller derives).
 */
export function formatMlDsaSignerKey(c: Crypto, name: string, seed: Uint8Array, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (seed.length !== MLDSA44_SEED_SIZE) throw new NoteError('an ML-DSA-44 seed is 32 bytes');
  const hash = keyHash(c, name, ALG_MLDSA44_COSIGNATURE, publicKey);
  return `${SIGNER_PREFIX}${name}+${formatKeyHash(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_MLDSA44_COSIGNATURE]), seed))}`;
}

/** Parses an ML-DSA signer key and checks its hash against the public key the seed derives. */
export function parseMlDsaSignerKey(c: Crypto, text: string, derivePublicKey: (seed: Uint8Array) => Uint8Array): { name: string; hash: number; seed: Uint8Array } {
  if (!text.startsWith(SIGNER_PREFIX)) throw new NoteError('signer key must start with PRIVATE+KEY+');
  const rest = text.slice(SIGNER_PREFIX.length);
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('signer key must look like PRIVATE+KEY+<name>+<hash>+<key>');
  const name = rest.slice(0, first);
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const hashText = rest.slice(first + 1, second);
  if (!/^[0-9a-f]{8}$/.test(hashText)) throw new NoteError('key hash must be 8 lower-case hex digits');
  let material: Uint8Array;
  try {
    material = fromBase64(rest.slice(second + 1));
  } catch (e) {
    throw new NoteError(`key material is not valid base64: ${(e as Error).message}`);
  }
  if (material.length !== 1 + MLDSA44_SEED_SIZE || material[0] !== ALG_MLDSA44_COSIGNATURE) {
    throw new NoteError('signer key must be an ML-DSA-44 seed (0x06 and 32 bytes)');
  }
  const seed = material.slice(1);
  const hash = Number.parseInt(hashText, 16);
  if (keyHash(c, name, ALG_MLDSA44_COSIGNATURE, derivePublicKey(seed)) !== hash) {
    throw new NoteError(`signer key hash ${hashText} does not match the key`);
  }
  return { name, hash, seed };
}
