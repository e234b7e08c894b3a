// Following a log's key rotation (Hotline's addition to tlog-witness, which
// has no word for it). A station posts its rotation statement, signed by the
// old key and countersigned by the new one; the witness then trusts the new
// key instead of the old for every log of that party that pinned the old
// key. The old key stops counting here, as it stops signing at the station:
// if it leaks later, it cannot get a forged extension cosigned.
import { HotlineError } from '../core/errors.ts';
import { verifyRotation } from '../core/keys/rotation.ts';
import { parseLogOrigin } from '../core/line.ts';
import type { WitnessDeps } from './add-checkpoint.ts';

export type KeyRotationResult = { ok: true; rotated: string[]; already: boolean } | { ok: false; status: 400 | 403; message: string };

export function processKeyRotation(w: WitnessDeps, body: string): KeyRotationResult {
  let party: string;
  let old: string;
  let next: string;
  try {
    const r = verifyRotation(w.crypto, body);
    ({ party, old, new: next } = r.rotation);
  } catch (e) {
    const status = e instanceof HotlineError && e.code === 'integrity' ? 403 : 400;
    return { ok: false, status, message: (e as Error).message };
  }
  const logs = w.store.logs().filter((l) => parseLogOrigin(l.origin)?.party === party);
  const pinsOld = logs.filter((l) => l.keys.includes(old));
  if (pinsOld.length === 0) {
    if (logs.some((l) => l.keys.includes(next))) return { ok: true, rotated: [], already: true };
    return { ok: false, status: 403, message: `no log of ${party} here trusts the key this rotation starts from` };
  }
  for (const l of pinsOld) w.store.rotateKey(l.origin, old, next, body, w.clock());
  return { ok: true, rotated: pinsOld.map((l) => l.origin), already: false };
}
