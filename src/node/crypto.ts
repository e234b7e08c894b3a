import { createHash, createPrivateKey, createPublicKey, sign, verify, randomBytes, type KeyObject } from 'node:crypto';
import { ml_dsa44 } from '@noble/post-quantum/ml-dsa.js';
import type { Bytes, Crypto, PqSigner, Signer } from '../core/crypto.ts';

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
  verifyMlDsa44: (publicKey, message, signature) => mlDsa44Verify(publicKey, message, signature),
};

// ML-DSA-44 (FIPS 204) from @noble/post-quantum: Node 20's crypto has no ML-DSA. Sizes per FIPS 204 Table 2.
const MLDSA44_PUBLIC_KEY = 1312;
const MLDSA44_SIGNATURE = 2420;

/** FIPS 204 ML-DSA.Verify for ML-DSA-44; `context` is empty except in the FIPS 204 test vectors. Never throws. */
export function mlDsa44Verify(publicKey: Bytes, message: Bytes, signature: Bytes, context: Bytes = new Uint8Array(0)): boolean {
  if (publicKey.length !== MLDSA44_PUBLIC_KEY || signature.length !== MLDSA44_SIGNATURE || context.length > 255) return false;
  try {
    return ml_dsa44.verify(signature, message, publicKey, { context });
  } catch {
    return false;
  }
}

/**
 * An ML-DSA-44 signer from its 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal, the seed being ξ): the seed is the
 * private key kept on disk, the expanded secret key stays in memory. Signing is hedged (FIPS 204's default: fresh
 * randomness per signature), so a fault or side channel in one signature does not leak the key.
 */
export function mlDsa44SignerFromSeed(seed: Bytes): PqSigner {
  if (seed.length !== 32) throw new Error('an ML-DSA-44 seed is 32 bytes');
  const { publicKey, secretKey } = ml_dsa44.keygen(seed);
  return {
    publicKey,
    sign: (message) => ml_dsa44.sign(message, secretKey),
  };
}

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
