// The core never touches node:crypto: hashing and signature checks are
// injected so the same code runs in Node, in the browser console and in tests.

export type Bytes = Uint8Array;

export interface Crypto {
  sha256(data: Bytes): Bytes;
  /** Ed25519 verification of `signature` over `message` by the raw 32-byte `publicKey`. */
  verify(publicKey: Bytes, message: Bytes, signature: Bytes): boolean;
}

/** Holds a private key without exposing it; signs with Ed25519. */
export interface Signer {
  readonly publicKey: Bytes;
  sign(message: Bytes): Bytes;
}
