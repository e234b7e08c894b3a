// `hotline key rotate`: a new station key without a new ceremony. The old
// key and the new one sign a statement naming both; it is recorded as a
// key.rotate entry at the end of every own log (rekey.ts), and peers,
// verifiers and witnesses follow it from the key they already trust.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PqSigner, Signer } from '../../core/crypto.ts';
import { signRevocation } from '../../core/keys/revocation.ts';
import { HotlineError } from '../../core/errors.ts';
import { parseRotation, noteText, signRotation } from '../../core/keys/rotation.ts';
import { KEY_ROTATE } from '../../core/kinds/key.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import type { RotationView } from '../../wire/station-keys.ts';
import { fingerprint } from '../identity.ts';
import type { Store } from '../storage/store.ts';
import { PENDING_SETTING, recordedRotations, rekey, type RecordedRotation, type RekeyParts } from './rekey.ts';

const rotating = new WeakSet<Store>();

/** The revocation statement `hotline init` writes (create.ts REVOCATION_FILE). */
const REVOCATION_FILE = 'revocation.txt';

/**
 * Makes a new key, records the rotation in every own log and switches to it.
 * With `dir`, the station directory gets a revocation statement for the new
 * key (revocation.txt, 0600, made while the key is surely the party's own);
 * one for the retired key is kept as revocation.txt.retired-<n>.
 */
export async function rotateKey(parts: RekeyParts & { clock: () => number; dir?: string }): Promise<RotationView> {
  const { store, keys, key, crypto: c } = parts;
  if (rotating.has(store)) throw new HotlineError('conflict', 'a key change is already under way');
  // Left by a change whose commit failed here (its outcome unknown): the next start finishes it (rekey.ts resumeRekey).
  if (await store.setting(PENDING_SETTING)) throw new HotlineError('conflict', 'a key change was interrupted and is not finished: restart the station to finish it, then rotate again if needed');
  rotating.add(store);
  try {
    // A next key left by a rotation that failed before it was named anywhere is used rather than refused.
    const next: Signer = keys.next() ?? keys.generate();
    const old = key.vkey;
    // The ML-DSA key rotates with it: both old and new ML-DSA keys sign the statement too.
    const pqOld = parts.pq?.current();
    const pqNext = parts.pq && (parts.pq.next() ?? parts.pq.generate());
    const statement = signRotation(
      c, { party: key.name, old, new: formatVerifierKey(c, key.name, next.publicKey), time: parts.clock(), pqOld: pqOld?.vkey, pqNew: pqNext?.vkey }, key, next,
      pqNext ? { old: pqOld?.signer, new: pqNext.signer } : undefined,
    );
    const positions = await rekey(parts, { kind: KEY_ROTATE, body: { statement } }, next);
    const view = rotationView(c, { statement, time: parseRotation(c, noteText(statement)).time, positions });
    if (parts.dir) view.revocationFile = renewRevocation(parts.dir, key.name, view.new, next, c, pqNext);
    return view;
  } finally {
    rotating.delete(store);
  }
}

export function rotationView(c: RekeyParts['crypto'], r: RecordedRotation): RotationView {
  const rotation = parseRotation(c, noteText(r.statement));
  return {
    party: rotation.party, old: rotation.old, oldFingerprint: fingerprint(rotation.old), new: rotation.new, fingerprint: fingerprint(rotation.new),
    time: r.time, statement: r.statement, positions: r.positions,
  };
}

export async function rotationViews(c: RekeyParts['crypto'], store: Store): Promise<RotationView[]> {
  return (await recordedRotations(store)).map((r) => rotationView(c, r));
}

/** Writes the new key's revocation statement; the retired key's, if still on disk, is renamed beside it. */
function renewRevocation(dir: string, party: string, vkey: string, signer: Signer, c: RekeyParts['crypto'], pq?: { vkey: string; signer: PqSigner }): string {
  const path = join(dir, REVOCATION_FILE);
  if (existsSync(path)) {
    const n = Math.max(0, ...readdirSync(dir).filter((f) => f.startsWith(`${REVOCATION_FILE}.retired-`)).map((f) => Number(f.slice(REVOCATION_FILE.length + 9)) || 0)) + 1;
    renameSync(path, `${path}.retired-${n}`);
  }
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, signRevocation(c, party, vkey, signer, pq && { key: pq.vkey, signer: pq.signer }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}
