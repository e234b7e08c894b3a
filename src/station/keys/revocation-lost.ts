// `hotline key revoke --lost`: the station's key is gone (a broken disk, a
// deleted file, a laptop that left with it), so the station cannot start,
// let alone sign a rotation. The revocation statement made at init, kept
// offline, is what lets its logs go on: on the station's machine, with the
// station stopped, a new key is made in the key file, the revocation is
// recorded with it as the replacement, and the key change is left pending;
// the next `hotline serve` writes the key.revoke entries (signed by the new
// key) at the end of every own log before anything else (rekey.ts
// resumeRekey). The peers' operators confirm the new key as for a stolen one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HotlineError, badRequest } from '../../core/errors.ts';
import { KEY_REVOKE } from '../../core/kinds/key.ts';
import { nodeCrypto as c } from '../../node/crypto.ts';
import type { OwnRevocationView } from '../../wire/revocation.ts';
import type { StationConfig } from '../config.ts';
import { createIdentity, fingerprint } from '../identity.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import type { Store } from '../storage/store.ts';
import { PENDING_SETTING, type PendingKeyChange } from './rekey.ts';
import { recordRevocation, statementOf } from './revocations.ts';
import { StoredLogKeys } from './stored-log-keys.ts';

export async function revokeLostKey(dir: string, config: StationConfig, store: Store, input: { statement: string; compromisedAt: number; now: number }): Promise<OwnRevocationView> {
  if (config.signer?.pkcs11) throw badRequest('this station\'s key is in a PKCS#11 token: a lost token is replaced as docs/keys.md says, not with --lost');
  const keyFile = join(dir, config.keyFile);
  if (existsSync(keyFile)) {
    throw new HotlineError('conflict', `${keyFile} is there: the key is not lost. If it may have been copied, revoke it with the station running (hotline key revoke, without --lost); to change it, hotline key rotate`);
  }
  const { statement } = statementOf(c, input.statement);
  if (statement.party !== config.name) throw badRequest(`the statement revokes ${statement.party}'s key; this station is ${config.name}`);
  if (input.compromisedAt > input.now) throw badRequest('the compromise time is in the future: give the time the key may first have been out of your hands (or when it was lost)');
  if (await store.setting(PENDING_SETTING)) throw new HotlineError('conflict', 'a key change is already under way: start the station (hotline serve) to finish it first');
  // The statement must revoke the key the station last signed with: read from its own logs, as a verifier would.
  const logKeys = new StoredLogKeys(store, c);
  const own = (await store.logs()).filter((l) => l.party === config.name);
  for (const log of own) {
    const last = await logKeys.keyAt(log, Math.max(0, log.size - 1));
    if (last !== undefined && last !== statement.key) {
      throw new HotlineError('conflict', `the statement revokes key ${fingerprint(statement.key)}, but this station's log of line ${log.line} was last signed by ${fingerprint(last)} (after a rotation, use the statement made for the rotated key)`);
    }
  }
  const made = createIdentity(config.name, keyFile);
  const replacement = made.vkey;
  await recordRevocation(c, store, { party: config.name, key: statement.key, compromisedAt: input.compromisedAt, replacement }, { replace: true });
  const pending: PendingKeyChange = {
    kind: KEY_REVOKE,
    body: { revocation: input.statement, compromisedAt: input.compromisedAt, key: replacement },
    key: replacement,
    at: Object.fromEntries(own.map((l) => [l.line, l.size])),
  };
  await store.setSetting(PENDING_SETTING, pending);
  await recordSecurityEvent(store, input.now, {
    kind: 'key.revoked', member: null, actor: null, address: null,
    detail: `this station's lost key ${fingerprint(statement.key)} revoked, compromised since ${new Date(input.compromisedAt).toISOString()}; the new key ${fingerprint(replacement)} signs ${own.length} own log(s) from their key.revoke entry on (written at the next start); by the operator on the station machine`,
  });
  return {
    party: config.name, revoked: statement.key, revokedFingerprint: fingerprint(statement.key), key: replacement, fingerprint: fingerprint(replacement),
    compromisedAt: input.compromisedAt, logs: own.length,
  };
}
