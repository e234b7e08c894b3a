// Pinning a log: which key the witness trusts for which origin. The key is
// exchanged out of band, like the parties' keys, and is checked here so that
// a typo fails at the operator's terminal instead of as 403s later.
import { HotlineError } from '../core/errors.ts';
import { isWellFormed } from '../core/encoding.ts';
import { ALG_ED25519, parseVerifierKey, type VerifierKey } from '../core/note/key.ts';
import { nodeCrypto } from '../node/crypto.ts';
import type { WitnessStore } from './store.ts';

// A checkpoint's origin line: non-empty, one line, no control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkOrigin(origin: string): void {
  if (typeof origin !== 'string' || origin.length === 0 || CONTROL.test(origin) || !isWellFormed(origin)) {
    throw new HotlineError('bad_request', 'the origin must be one non-empty line of text, e.g. hotline/line/deconfliction/Washington');
  }
}

/**
 * Only Ed25519 note keys (0x01) sign checkpoints. A cosigner key (0x04) is
 * refused: verifyNote would otherwise accept another witness's cosignature
 * as the log's own signature.
 */
export function parseLogKey(vkey: string): VerifierKey {
  let key: VerifierKey;
  try {
    key = parseVerifierKey(nodeCrypto, vkey);
  } catch (e) {
    throw new HotlineError('bad_request', `invalid log key: ${(e as Error).message}`);
  }
  if (key.alg !== ALG_ED25519) throw new HotlineError('bad_request', 'a log key must be an Ed25519 note key (algorithm 0x01), not a cosigner key');
  return key;
}

/** Trusts `vkey` for checkpoints of `origin`. Returns false if it was already pinned. */
export function pinLog(store: WitnessStore, origin: string, vkey: string, now: number): boolean {
  checkOrigin(origin);
  parseLogKey(vkey);
  return store.pinKey(origin, vkey, now);
}
