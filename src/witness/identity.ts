// The witness's cosigning key. The file keeps the shape of Go's signer keys,
// "PRIVATE+KEY+<name>+<hash>+base64(alg ‖ seed)", but with the cosignature/v1
// algorithm byte 0x04 and the 0x04 key hash. That is deliberate: a tool that
// reads Go signer keys refuses it instead of turning it into an Ed25519 note
// signer, and the same key must never sign plain notes (a note whose text
// begins "cosignature/v1\ntime …" would then pass for a cosignature).
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Signer } from '../core/crypto.ts';
import { concatBytes, fromBase64, toBase64 } from '../core/encoding.ts';
import { HotlineError } from '../core/errors.ts';
import { formatCosignerKey } from '../core/note/cosignature.ts';
import { ALG_COSIGNATURE_V1, formatKeyHash, isValidKeyName, keyHash, parseVerifierKey, type VerifierKey } from '../core/note/key.ts';
import { newSeed, nodeCrypto, signerFromSeed } from '../node/crypto.ts';
import { generatePkcs11Key, hasPkcs11Key, openPkcs11Signer } from '../node/pkcs11-signer.ts';
import { pkcs11TokenOf } from '../station/keys/pkcs11-key.ts';
import type { WitnessConfig } from './config.ts';

export interface WitnessIdentity {
  name: string;
  signer: Signer;
  /** Cosigner verifier key text, `<name>+<hash>+base64(0x04 ‖ public key)`: what log operators pin. */
  vkey: string;
  verifier: VerifierKey;
}

const PREFIX = 'PRIVATE+KEY+';

export function checkWitnessName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new HotlineError('bad_request', 'the witness name must be a signed-note key name: no spaces, no "+", e.g. witness.example.org/w1');
  }
}

export function formatWitnessKeyFile(name: string, seed: Uint8Array): string {
  const signer = signerFromSeed(seed);
  const hash = keyHash(nodeCrypto, name, ALG_COSIGNATURE_V1, signer.publicKey);
  return `${PREFIX}${name}+${formatKeyHash(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), seed))}`;
}

/** Parses the key file text and checks its hash against the key it holds. */
export function parseWitnessKeyFile(text: string): WitnessIdentity {
  const bad = (why: string) => new HotlineError('bad_request', `witness key file: ${why}`);
  if (!text.startsWith(PREFIX)) throw bad('must start with PRIVATE+KEY+');
  const rest = text.slice(PREFIX.length);
  // Names cannot contain '+', base64 can: split on the first two only.
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw bad('must look like PRIVATE+KEY+<name>+<hash>+<key>');
  const name = rest.slice(0, first);
  if (!isValidKeyName(name)) throw bad(`invalid name ${JSON.stringify(name)}`);
  let material: Uint8Array;
  try {
    material = fromBase64(rest.slice(second + 1));
  } catch {
    throw bad('key material is not valid base64');
  }
  if (material.length !== 33 || material[0] !== ALG_COSIGNATURE_V1) throw bad('must hold a cosignature/v1 (0x04) Ed25519 seed');
  const signer = signerFromSeed(material.slice(1));
  if (formatKeyHash(keyHash(nodeCrypto, name, ALG_COSIGNATURE_V1, signer.publicKey)) !== rest.slice(first + 1, second)) {
    throw bad('key hash does not match the key');
  }
  return identityOf(name, signer);
}

/** Creates the key file with mode 0600 and refuses to overwrite an existing one. */
export function createWitnessIdentity(name: string, keyPath: string): WitnessIdentity {
  checkWitnessName(name);
  const seed = newSeed();
  const fd = openSync(keyPath, 'wx', 0o600);
  try {
    writeSync(fd, formatWitnessKeyFile(name, seed) + '\n');
  } finally {
    closeSync(fd);
  }
  return identityOf(name, signerFromSeed(seed));
}

export function loadWitnessIdentity(keyPath: string): WitnessIdentity {
  let text: string;
  try {
    text = readFileSync(keyPath, 'utf8').trim();
  } catch {
    throw new HotlineError('not_found', `cannot read the witness key ${keyPath}`);
  }
  if ((statSync(keyPath).mode & 0o077) !== 0) {
    throw new HotlineError('forbidden', `the witness key ${keyPath} is readable by others; run: chmod 600 ${keyPath}`);
  }
  return parseWitnessKeyFile(text);
}

/**
 * The witness's key where witness.json says: the key file, or the PKCS#11
 * token (`signer.pkcs11`). A token holds no name, so a token key is the
 * configured name's; cosignature/v1 keeps it apart from note signing by the
 * algorithm byte in its key hash, as with the file.
 */
export function openWitnessIdentity(dir: string, config: WitnessConfig): WitnessIdentity {
  const p11 = config.signer?.pkcs11;
  if (!p11) return loadWitnessIdentity(join(dir, config.keyFile));
  return identityOf(config.name, openPkcs11Signer(pkcs11TokenOf(dir, p11), p11.key));
}

/** Makes the witness's key where witness.json says (file 0600, or a new non-extractable token key); refuses one that exists. */
export function makeWitnessIdentity(dir: string, config: WitnessConfig): WitnessIdentity {
  checkWitnessName(config.name);
  const p11 = config.signer?.pkcs11;
  if (!p11) return createWitnessIdentity(config.name, join(dir, config.keyFile));
  const at = pkcs11TokenOf(dir, p11);
  // A witness made anew with an old key would cosign a second history it has forgotten the first of.
  if (hasPkcs11Key(at, p11.key)) throw new HotlineError('conflict', `the PKCS#11 token '${p11.token}' already holds a key labelled '${p11.key}': a new witness must have a new key`);
  return identityOf(config.name, generatePkcs11Key(at, p11.key));
}

function identityOf(name: string, signer: Signer): WitnessIdentity {
  const vkey = formatCosignerKey(nodeCrypto, name, signer.publicKey);
  return { name, signer, vkey, verifier: parseVerifierKey(nodeCrypto, vkey) };
}
