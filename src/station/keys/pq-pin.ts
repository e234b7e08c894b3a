// A peer's ML-DSA key, pinned beside its Ed25519 key (`hotline peer add
// --pq-key`, POST /v1/peers `pqKey`): how this station checks the ML-DSA
// lines of the peer's checkpoints and receipts. It travels in the pin, not in
// the line's definition, so the entry format stays as it is.
import { badRequest } from '../../core/errors.ts';
import { ALG_MLDSA44_COSIGNATURE, parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import type { PeerRecord } from '../storage/store.ts';

/** Checks a peer's ML-DSA verifier key for pinning under `name`; returns it as given. */
export function checkPqPin(name: string, pqKey: string): string {
  let key: VerifierKey;
  try {
    key = parseVerifierKey(nodeCrypto, pqKey);
  } catch (e) {
    throw badRequest(`--pq-key is not a signed-note verifier key: ${(e as Error).message}`);
  }
  if (key.alg !== ALG_MLDSA44_COSIGNATURE) throw badRequest(`--pq-key must be an ML-DSA-44 key (type 0x06), not type 0x${key.alg.toString(16)}`);
  if (key.name !== name) throw badRequest(`the ML-DSA key belongs to ${key.name}, not ${name}`);
  return pqKey;
}

/** The pinned ML-DSA keys of the peers, by name: what a receipt's or checkpoint's ML-DSA line is checked against. */
export function pinnedPqKeys(peers: readonly PeerRecord[]): Map<string, VerifierKey> {
  const keys = new Map<string, VerifierKey>();
  for (const p of peers) if (p.pqKey) keys.set(p.name, parseVerifierKey(nodeCrypto, p.pqKey));
  return keys;
}
