import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { testDatabase } from '../../../test/support/postgres.ts';
import { POSTGRES_SCHEMA_VERSION, postgresMigrations } from './postgres/schema.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SCHEMA_VERSION } from './sqlite/schema.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

// The ML-DSA columns (issue 13) arrive by migration: a database made before
// them opens, keeps its receipts and pins (with no ML-DSA line or key), and
// stores the new ones.

const log = { line: 'ln-1', party: 'A' };

async function checkMigrated(store: Store): Promise<void> {
  assert.deepEqual(await store.cosignatures(log), [{ ...log, size: 2, cosigner: 'B', timestamp: 10, signature: 'old' }]);
  assert.deepEqual(await store.listPeers(), [{ name: 'B', key: 'kB', urls: ['wss://b'] }]);
  await store.addCosignatures([{ ...log, size: 3, cosigner: 'B', timestamp: 11, signature: 'new', pqSignature: 'pq' }]);
  await store.setPeer({ name: 'B', key: 'kB', urls: ['wss://b'], pqKey: 'pqB' });
  assert.equal((await store.cosignatures(log, 3))[0].pqSignature, 'pq');
  assert.equal((await store.listPeers())[0].pqKey, 'pqB');
}

test('sqlite: a version-2 database gains the ML-DSA columns in place, its receipts and pins kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pq-migrate-'));
  const path = join(dir, 'station.db');
  try {
    const fresh = new SqliteStore(path);
    await fresh.addCosignatures([{ ...log, size: 2, cosigner: 'B', timestamp: 10, signature: 'old' }]);
    await fresh.setPeer({ name: 'B', key: 'kB', urls: ['wss://b'] });
    await fresh.close();
    // Back to the shape of schema version 2: the tables without the two columns.
    const old = new Database(path);
    old.exec('ALTER TABLE cosignature DROP COLUMN pq_signature; ALTER TABLE peer DROP COLUMN pq_key; PRAGMA user_version = 2;');
    old.close();

    const store = new SqliteStore(path);
    try {
      assert.equal(store.migratedFrom, 2);
      assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('postgres: a version-1 database gains the ML-DSA columns by migration 2, its receipts and pins kept', async () => {
  const db = await testDatabase();
  try {
    // The database as Hotline before issue 13 left it: migration 1 only.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      await client.query(postgresMigrations[0].sql);
      await client.query('INSERT INTO schema_migration (version) VALUES (1)');
      await client.query(`INSERT INTO log (line_id, party) VALUES ('ln-1', 'A')`);
      await client.query(`INSERT INTO cosignature (log_id, size, cosigner, timestamp, signature) SELECT id, 2, 'B', 10, 'old' FROM log`);
      await client.query(`INSERT INTO peer (name, key, urls) VALUES ('B', 'kB', '["wss://b"]')`);
    } finally {
      await client.end();
    }
    const store = await PostgresStore.open({ url: db.url });
    try {
      assert.deepEqual(store.migration, { from: 1, to: POSTGRES_SCHEMA_VERSION }, 'and on to the latest');
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  } finally {
    await db.drop();
  }
});
