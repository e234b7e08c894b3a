// `hotline key revoke`: this station's key was stolen. The operators bring
// back the revocation statement made at init; the station checks it revokes
// the key signing now, makes a new key, records the revocation (with the new
// key as its replacement, so our own checks follow our log across it), and
// ends every own log with a key.revoke entry signed by the new key (rekey.ts),
// after which only the new key signs. What it cannot do is tell the peers
// which key is the new one: a thief could claim any. Its operators read the
// new fingerprint aloud to each peer's operators (`hotline peer revoke`).
import { bytesEqual } from '../../core/encoding.ts';
import { HotlineError, badRequest } from '../../core/errors.ts';
import { KEY_REVOKE } from '../../core/kinds/key.ts';
import { formatVerifierKey, parseVerifierKey } from '../../core/note/key.ts';
import type { OwnRevocationView } from '../../wire/revocation.ts';
import { fingerprint } from '../identity.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import { PENDING_SETTING, rekey, type RekeyParts } from './rekey.ts';
import { knownRevocations, recordRevocation, statementOf } from './revocations.ts';

const revoking = new WeakSet<object>();

export interface OwnRevocationInput {
  statement: string;
  compromisedAt: number;
}

/** Who asked, for the security log. */
export interface RevokedBy {
  actor?: string;
  address?: string;
}

export async function revokeOwnKey(parts: RekeyParts & { clock: () => number }, input: OwnRevocationInput, by: RevokedBy = {}): Promise<OwnRevocationView> {
  const { store, crypto: c, key, keys } = parts;
  const { statement, key: revoked } = statementOf(c, input.statement);
  if (statement.party !== key.name) throw badRequest(`the statement revokes ${statement.party}'s key; this station is ${key.name}`);
  if (input.compromisedAt > parts.clock()) throw badRequest('the compromise time is in the future: give the time the key may first have been in other hands');
  if (!bytesEqual(revoked.publicKey, key.publicKey)) {
    const done = (await knownRevocations(store)).find((r) => r.party === key.name && r.replacement !== undefined && sameKey(c, r.key, revoked.publicKey));
    if (done) throw new HotlineError('conflict', `that key is revoked already; the key signing now is ${fingerprint(key.vkey)}`);
    throw new HotlineError('conflict', `the statement revokes key ${fingerprint(statement.key)}, but this station signs with ${fingerprint(key.vkey)}`);
  }
  if (revoking.has(store) || (await store.setting(PENDING_SETTING))) throw new HotlineError('conflict', 'a key change is already under way');
  revoking.add(store);
  try {
    const old = key.vkey;
    // A next key an unfinished rotation left may be on the disk the thief read: refused. One an earlier revocation of this key made (it failed, say
    // while a log was being recovered) was made after the compromise was known, and is used again.
    const waiting = keys.next();
    const earlier = waiting && (await knownRevocations(store)).find((r) => r.party === key.name && sameKey(c, r.key, key.publicKey) && r.replacement !== undefined && sameKey(c, r.replacement, waiting.publicKey));
    if (waiting && !earlier) throw new HotlineError('conflict', `a next key is waiting in ${keys.where} (an unfinished rotation): it may be known to whoever took the key; move it away and revoke again`);
    const next = waiting ?? keys.generate();
    const replacement = formatVerifierKey(c, key.name, next.publicKey);
    // The ML-DSA key was in the same directory the thief read: it is replaced too (the same rule for a waiting one).
    const pqWaiting = parts.pq?.next();
    if (pqWaiting && !earlier) throw new HotlineError('conflict', 'a next ML-DSA key is waiting (station.next.mldsa.key, an unfinished rotation): it may be known to whoever took the key; move it away and revoke again');
    const pqNext = parts.pq && (pqWaiting ?? parts.pq.generate());
    // Recorded before the entries: our own checks (start-up, integrity) must accept our key.revoke, also after a crash mid-change.
    await recordRevocation(c, store, { party: key.name, key: old, compromisedAt: input.compromisedAt, replacement }, { replace: true });
    const positions = await rekey(parts, { kind: KEY_REVOKE, body: { revocation: input.statement, compromisedAt: input.compromisedAt, key: replacement, ...(pqNext ? { pqKey: pqNext.vkey } : {}) } }, next);
    await recordSecurityEvent(store, parts.clock(), {
      kind: 'key.revoked', member: null, actor: by.actor ?? null, address: by.address ?? null,
      detail: `this station's key ${fingerprint(old)} revoked, compromised since ${new Date(input.compromisedAt).toISOString()}; the new key ${fingerprint(replacement)} signs ${positions.length} own log(s) from their key.revoke entry on`,
    });
    return {
      party: key.name, revoked: old, revokedFingerprint: fingerprint(old), key: replacement, fingerprint: fingerprint(replacement),
      compromisedAt: input.compromisedAt, logs: positions.length,
    };
  } finally {
    revoking.delete(store);
  }
}

function sameKey(c: RekeyParts['crypto'], text: string, publicKey: Uint8Array): boolean {
  try {
    return bytesEqual(parseVerifierKey(c, text).publicKey, publicKey);
  } catch {
    return false;
  }
}
