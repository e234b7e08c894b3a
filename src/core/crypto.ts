// The core never touches node:crypto: hashing and signature checks are
// injected so the same code runs in Node, in the browser console and in tests.

export type Bytes = Uint8Array;

export interface Crypto {
  sha256(data: Bytes): Bytes;
  /** Ed25519 verification of `signature` over `message` by the raw 32-byte `publicKey`. */
  verify(publicKey: Bytes, message: Bytes, signature: Bytes): boolean;
  /**
   * ML-DSA-44 verification (FIPS 204 ML-DSA.Verify, pure, empty context) of `signature` over `message` by the
   * 1312-byte `publicKey`. Optional: a runtime without it still verifies every Ed25519 line and skips ML-DSA ones.
   */
  verifyMlDsa44?(publicKey: Bytes, message: Bytes, signature: Bytes): boolean;
}

/** One Ed25519 check of a batch. */
export interface SignatureCheck {
  publicKey: Bytes;
  message: Bytes;
  signature: Bytes;
}

/** Checks many Ed25519 signatures at once, possibly on other threads: what Crypto.verify would say of each, in order. */
export interface BatchVerifier {
  verifyAll(checks: readonly SignatureCheck[]): Promise<boolean[]>;
}

/** Holds a private key without exposing it; signs with Ed25519. */
export interface Signer {
  readonly publicKey: Bytes;
  sign(message: Bytes): Bytes;
}

/** Holds an ML-DSA-44 private key without exposing it; signs FIPS 204 ML-DSA (pure, empty context). */
export interface PqSigner {
  /** The 1312-byte ML-DSA-44 public key. */
  readonly publicKey: Bytes;
  sign(message: Bytes): Bytes;
}
