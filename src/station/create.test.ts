import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from './config.ts';
import { createStation } from './create.ts';
import { openStore } from './storage/open-store.ts';
import { testDatabase } from '../../test/support/postgres.ts';

test('a station made on PostgreSQL keeps the URL in hotline.json; a second station on the same database is refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-create-'));
  const db = await testDatabase();
  try {
    await createStation(join(root, 'a'), 'Washington', '127.0.0.1:0', { database: db.url });
    const config = readConfig(join(root, 'a'));
    assert.equal(config.database, db.url);
    const store = await openStore(join(root, 'a'), config);
    await store.addMember({ name: 'duty', role: 'admin', passwordHash: 'h', createdAt: 1, disabled: false });
    await store.close();
    await assert.rejects(createStation(join(root, 'b'), 'Moscow', '127.0.0.1:0', { database: db.url }), (e: { code?: string }) => e.code === 'conflict');
    // The SQLite default, and the old fourth argument (the peer listen address), still work.
    await createStation(join(root, 'c'), 'Kyiv', '127.0.0.1:7800', '127.0.0.1:7901');
    assert.deepEqual([readConfig(join(root, 'c')).database, readConfig(join(root, 'c')).peerListen], ['station.db', '127.0.0.1:7901']);
  } finally {
    rmSync(root, { recursive: true, force: true });
    await db.drop();
  }
});

test('an unreachable database fails init before a station key is made', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-create-'));
  try {
    await assert.rejects(createStation(join(root, 'a'), 'Washington', '127.0.0.1:0', { database: 'postgresql://postgres@127.0.0.1:1/none' }), (e: { code?: string }) => e.code === 'unavailable');
    assert.throws(() => readConfig(join(root, 'a')));
    assert.equal(existsSync(join(root, 'a', 'station.key')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('init writes the key\'s revocation statement beside it, 0600, signed by the key it revokes', async () => {
  const { statSync, readFileSync } = await import('node:fs');
  const { verifyRevocation } = await import('../core/keys/revocation.ts');
  const { nodeCrypto } = await import('../node/crypto.ts');
  const root = mkdtempSync(join(tmpdir(), 'hotline-create-'));
  try {
    const made = await createStation(join(root, 'a'), 'Washington', '127.0.0.1:0');
    assert.equal(made.revocationFile, join(root, 'a', 'revocation.txt'));
    assert.equal(statSync(made.revocationFile).mode & 0o777, 0o600);
    const { statement } = verifyRevocation(nodeCrypto, readFileSync(made.revocationFile, 'utf8'));
    assert.deepEqual([statement.party, statement.key], ['Washington', made.vkey]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
