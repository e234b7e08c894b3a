import { createHash, createPrivateKey, createPublicKey, sign, verify, randomBytes, type KeyObject } from 'node:crypto';
import type { Bytes, Crypto, Signer } from '../core/crypto.ts';

// DER prefixes that wrap a raw Ed25519 key so node:crypto can import it.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// Importing a key costs far more than verifying with it, so keep the imports.
const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(raw: Bytes): KeyObject {
  const id = Buffer.from(raw).toString('hex');
  let key = publicKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
}

export const nodeCrypto: Crypto = {
  sha256(data) {
    const d = createHash('sha256').update(data).digest();
    // A plain Uint8Array view: callers compare and serialise hashes as Uint8Array, not Buffer.
    return new Uint8Array(d.buffer, d.byteOffset, d.length);
  },
  verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
};

export function signerFromSeed(seed: Bytes): Signer {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return {
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

export function newSeed(): Bytes {
  return new Uint8Array(randomBytes(32));
}
