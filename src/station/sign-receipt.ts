// The receipt a station signs for a peer's checkpoint it has stored: a
// cosignature/v1 line (Ed25519, type 0x04) and, with an ML-DSA key, an
// ML-DSA-44 cosignature line (type 0x06) at the same timestamp. Both are full
// note signature lines; a verifier appends the ones it knows to the checkpoint.
import type { Crypto, PqSigner, Signer } from '../core/crypto.ts';
import { signCosignature } from '../core/note/cosignature.ts';
import { signMlDsaCosignature } from '../core/note/mldsa.ts';

export interface Receipt {
  /** The cosignature/v1 line, as before. */
  signature: string;
  /** The ML-DSA-44 line, when the station has an ML-DSA key. */
  pqSignature?: string;
}

/** Cosigns `checkpointText` (the peer's checkpoint, without its signatures) at `timestamp` (seconds). */
export function signReceipt(deps: { crypto: Crypto; signer: Signer; me: string; pq?: PqSigner }, checkpointText: string, timestamp: number): Receipt {
  const { crypto: c, signer, me, pq } = deps;
  const signature = signCosignature(c, me, signer, checkpointText, timestamp);
  return pq ? { signature, pqSignature: signMlDsaCosignature(c, me, pq, checkpointText, timestamp) } : { signature };
}
