import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRevocation } from '../../core/keys/revocation.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import { newSeed, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { readConfig } from '../config.ts';
import { createStation } from '../create.ts';
import { openStore } from '../storage/open-store.ts';
import { PENDING_SETTING } from './rekey.ts';
import { revokeLostKey } from './revocation-lost.ts';
import { knownRevocations } from './revocations.ts';

// `hotline key revoke --lost` on a real station directory: refused while the key is there, for another party's statement or a future time;
// otherwise a new key file (0600), the revocation recorded, and the key change left for the next start.
test('a lost key is replaced from the offline statement, and only when it is really gone', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-lost-'));
  try {
    const dir = join(root, 'a');
    const made = await createStation(dir, 'Oslo', '127.0.0.1:0');
    const config = readConfig(dir);
    const statement = readFileSync(made.revocationFile, 'utf8');
    const store = await openStore(dir, config);
    try {
      const now = Date.now();
      const code = (want: string, pattern: RegExp) => (e: { code?: string; message?: string }) => e.code === want && pattern.test(e.message ?? '');
      await assert.rejects(revokeLostKey(dir, config, store, { statement, compromisedAt: now, now }), code('conflict', /the key is not lost/));
      rmSync(join(dir, 'station.key'));
      const other = signerFromSeed(newSeed());
      const otherKey = formatVerifierKey(c, 'Bergen', other.publicKey);
      await assert.rejects(revokeLostKey(dir, config, store, { statement: signRevocation(c, 'Bergen', otherKey, other), compromisedAt: now, now }), code('bad_request', /revokes Bergen's key; this station is Oslo/));
      await assert.rejects(revokeLostKey(dir, config, store, { statement, compromisedAt: now + 60_000, now }), code('bad_request', /in the future/));
      await assert.rejects(revokeLostKey(dir, config, store, { statement: statement.replace('party Oslo', 'party Osl0'), compromisedAt: now, now }), (e: { code?: string }) => e.code === 'bad_request');
      assert.equal(existsSync(join(dir, 'station.key')), false, 'nothing made for a refused request');

      const done = await revokeLostKey(dir, config, store, { statement, compromisedAt: now, now });
      assert.equal(done.revoked, made.vkey);
      assert.notEqual(done.key, made.vkey);
      assert.equal(statSync(join(dir, 'station.key')).mode & 0o777, 0o600);
      assert.deepEqual(await knownRevocations(store), [{ party: 'Oslo', key: made.vkey, compromisedAt: now, replacement: done.key }]);
      assert.equal(((await store.setting(PENDING_SETTING)) as { key: string }).key, done.key);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
