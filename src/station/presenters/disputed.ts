// Which entries a revocation disputes: those the revoked key signed at or
// after the compromise time the operators recorded. The key that signed an
// entry comes from the line's folded key changes (keyAt), so no log is read
// again; the revocations from the station's `keys.revocations`.
import type { Crypto } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { keyAt } from '../../core/line-state/keys.ts';
import type { LineState } from '../../core/line-state/state.ts';
import { parseVerifierKey } from '../../core/note/key.ts';

/** Whether entry `seq` of `party`'s log, claiming `time`, is disputed. */
export type Disputed = (party: string, seq: number, time: number) => boolean;

/** Nothing disputed: a station that knows no revocation. */
export const noneDisputed: Disputed = () => false;

export function disputedOn(c: Crypto, s: LineState, revocations: readonly Revocation[]): Disputed {
  const parties = new Set(s.line.parties.map((p) => p.name));
  const relevant = revocations.filter((r) => parties.has(r.party)).map((r) => ({ ...r, publicKey: publicKeyOf(c, r.key) }));
  if (relevant.length === 0) return noneDisputed;
  return (party, seq, time) => {
    const key = keyAt(s, party, seq);
    if (key === undefined) return false;
    const signer = publicKeyOf(c, key);
    return relevant.some((r) => r.party === party && r.publicKey !== undefined && signer !== undefined && bytesEqual(r.publicKey, signer) && time >= r.compromisedAt);
  };
}

function publicKeyOf(c: Crypto, key: string): Uint8Array | undefined {
  try {
    return parseVerifierKey(c, key).publicKey;
  } catch {
    return undefined;
  }
}
