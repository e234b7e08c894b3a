// Signed-note key encodings (c2sp.org/signed-note, golang.org/x/mod/sumdb/note):
// verifier keys "<name>+<hash>+<base64(alg ‖ public key)>" and Go's signer
// keys "PRIVATE+KEY+<name>+<hash>+<base64(alg ‖ seed)>".
import type { Crypto } from '../crypto.ts';
import { concatBytes, fromBase64, isWellFormed, toBase64, utf8Encode } from '../encoding.ts';
import { NoteError } from './errors.ts';

export const ALG_ED25519 = 0x01;
/** Timestamped Ed25519 witness cosignatures, c2sp.org/tlog-cosignature. */
export const ALG_COSIGNATURE_V1 = 0x04;
/** Timestamped ML-DSA-44 (sub)tree cosignatures, c2sp.org/tlog-cosignature (see mldsa.ts). */
export const ALG_MLDSA44_COSIGNATURE = 0x06;
/**
 * Hotline's own ML-DSA-44 signature over the note text, for notes that are
 * not checkpoints (key statements). signed-note reserves 0xff for types
 * without an assigned byte, followed by a longer identifier: the type is
 * 0xff ‖ "hotline/ml-dsa-44-note/v1", the only 0xff type Hotline knows.
 */
export const ALG_MLDSA44_NOTE = 0xff;
export const MLDSA44_NOTE_IDENTIFIER = 'hotline/ml-dsa-44-note/v1';

const ED25519_KEY_SIZE = 32;
/** FIPS 204 Table 2: the ML-DSA-44 public key. */
export const MLDSA44_PUBLIC_KEY_SIZE = 1312;
const PUBLIC_KEY_SIZES: Record<number, number> = {
  [ALG_ED25519]: ED25519_KEY_SIZE,
  [ALG_COSIGNATURE_V1]: ED25519_KEY_SIZE,
  [ALG_MLDSA44_COSIGNATURE]: MLDSA44_PUBLIC_KEY_SIZE,
  [ALG_MLDSA44_NOTE]: MLDSA44_PUBLIC_KEY_SIZE,
};

/** The signature type's bytes: one byte, or 0xff and the identifier. */
function typeBytes(alg: number): Uint8Array {
  return alg === ALG_MLDSA44_NOTE ? concatBytes(new Uint8Array([alg]), utf8Encode(MLDSA44_NOTE_IDENTIFIER)) : new Uint8Array([alg]);
}
const SIGNER_PREFIX = 'PRIVATE+KEY+';

export interface VerifierKey {
  name: string;
  hash: number;
  alg: number;
  publicKey: Uint8Array;
}

// Go's unicode.IsSpace set. JavaScript's \s differs from it in both directions
// (it has U+FEFF, lacks U+0085), and names must agree with Go verifiers.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// Control characters are not spaces, but a note may not contain them at all,
// so a name holding one could never appear in a signature line.
const CONTROL = /[\u0000-\u001f]/;

/** Non-empty, well-formed, no Unicode space, no '+', no control character. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    isWellFormed(name) &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !CONTROL.test(name)
  );
}

/** Key ID: SHA-256(name ‖ 0x0A ‖ signature type ‖ publicKey)[:4] as a big-endian uint32. */
export function keyHash(c: Crypto, name: string, alg: number, publicKey: Uint8Array): number {
  const h = c.sha256(concatBytes(utf8Encode(name), new Uint8Array([0x0a]), typeBytes(alg), publicKey));
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

export function formatKeyHash(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function checkAlg(alg: number): void {
  if (PUBLIC_KEY_SIZES[alg] === undefined) throw new NoteError(`unknown key algorithm 0x${alg.toString(16)}`);
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

function checkKeySize(what: string, key: Uint8Array, size = ED25519_KEY_SIZE): void {
  if (!(key instanceof Uint8Array) || key.length !== size) {
    throw new NoteError(`${what} must be ${size} bytes`);
  }
}

// Lower case only: Go prints %08x, and one spelling per key keeps keys comparable as strings.
function parseKeyHash(text: string): number {
  if (!/^[0-9a-f]{8}$/.test(text)) throw new NoteError('key hash must be 8 lower-case hex digits');
  return Number.parseInt(text, 16);
}

function decodeKeyMaterial(text: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch (e) {
    throw new NoteError(`key material is not valid base64: ${(e as Error).message}`);
  }
}

export function formatVerifierKey(c: Crypto, name: string, publicKey: Uint8Array, alg: number = ALG_ED25519): string {
  checkName(name);
  checkAlg(alg);
  checkKeySize('public key', publicKey, PUBLIC_KEY_SIZES[alg]);
  const hash = keyHash(c, name, alg, publicKey);
  return `${name}+${formatKeyHash(hash)}+${toBase64(concatBytes(typeBytes(alg), publicKey))}`;
}

export function parseVerifierKey(c: Crypto, text: string): VerifierKey {
  // The name cannot contain '+', base64 can: split on the first two only.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('verifier key must look like <name>+<hash>+<key>');
  const name = text.slice(0, first);
  checkName(name);
  const hash = parseKeyHash(text.slice(first + 1, second));
  const material = decodeKeyMaterial(text.slice(second + 1));
  if (material.length === 0) throw new NoteError('verifier key has no key material');
  const alg = material[0];
  checkAlg(alg);
  const type = typeBytes(alg);
  if (material.length < type.length || !type.every((b, i) => material[i] === b)) throw new NoteError('unknown key algorithm: an 0xff type other than Hotline\'s ML-DSA-44 note type');
  const publicKey = material.slice(type.length);
  checkKeySize('public key', publicKey, PUBLIC_KEY_SIZES[alg]);
  if (keyHash(c, name, alg, publicKey) !== hash) throw new NoteError(`verifier key hash ${formatKeyHash(hash)} does not match the key`);
  return { name, hash, alg, publicKey };
}

/**
 * Go's signer key encoding. The hash is of the public key, which the pure
 * core cannot derive from the seed, so the caller supplies it.
 */
export function formatSignerKey(c: Crypto, name: string, seed: Uint8Array, publicKey: Uint8Array): string {
  checkName(name);
  checkKeySize('seed', seed);
  checkKeySize('public key', publicKey);
  const hash = keyHash(c, name, ALG_ED25519, publicKey);
  return `${SIGNER_PREFIX}${name}+${formatKeyHash(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`;
}

/**
 * Parses a Go signer key. Pass `derivePublicKey` (e.g. seed → signerFromSeed(seed).publicKey)
 * to also check the embedded hash, as Go's NewSigner does; without it the
 * hash is returned unchecked.
 */
export function parseSignerKey(
  c: Crypto,
  text: string,
  derivePublicKey?: (seed: Uint8Array) => Uint8Array,
): { name: string; hash: number; seed: Uint8Array } {
  if (!text.startsWith(SIGNER_PREFIX)) throw new NoteError('signer key must start with PRIVATE+KEY+');
  const rest = text.slice(SIGNER_PREFIX.length);
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('signer key must look like PRIVATE+KEY+<name>+<hash>+<key>');
  const name = rest.slice(0, first);
  checkName(name);
  const hash = parseKeyHash(rest.slice(first + 1, second));
  const material = decodeKeyMaterial(rest.slice(second + 1));
  if (material.length === 0 || material[0] !== ALG_ED25519) throw new NoteError('signer key algorithm must be Ed25519 (0x01)');
  const seed = material.slice(1);
  checkKeySize('seed', seed);
  if (derivePublicKey && keyHash(c, name, ALG_ED25519, derivePublicKey(seed)) !== hash) {
    throw new NoteError(`signer key hash ${formatKeyHash(hash)} does not match the key`);
  }
  return { name, hash, seed };
}
