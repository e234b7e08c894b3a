import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openStore, redact } from './open-store.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import { SCHEMA_VERSION } from './sqlite/schema.ts';
import { POSTGRES_SCHEMA_VERSION } from './postgres/schema.ts';
import { testDatabase } from '../../../test/support/postgres.ts';

test('a file name opens SQLite in the station directory, a postgresql:// URL opens PostgreSQL; both migrate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-open-'));
  const db = await testDatabase();
  try {
    assert.deepEqual(await migrateDatabase(dir, { database: 'station.db' }), { from: 0, to: SCHEMA_VERSION, adapter: 'sqlite' });
    assert.ok(existsSync(join(dir, 'station.db')));
    assert.deepEqual(await migrateDatabase(dir, { database: 'station.db' }), { from: SCHEMA_VERSION, to: SCHEMA_VERSION, adapter: 'sqlite' });
    const sqlite = await openStore(dir, { database: 'station.db' });
    assert.ok(sqlite instanceof SqliteStore);
    await sqlite.close();

    const url = db.url.replace(/^postgres:/, 'postgresql:');
    assert.deepEqual(await migrateDatabase(dir, { database: url }), { from: 0, to: POSTGRES_SCHEMA_VERSION, adapter: 'postgres' });
    assert.deepEqual(await migrateDatabase(dir, { database: db.url }), { from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION, adapter: 'postgres' });
    const pg = await openStore(dir, { database: url }, { applicationName: 'replica-x' });
    assert.ok(pg instanceof PostgresStore);
    const { rows } = await pg.pool.query('SELECT current_setting(\'application_name\') AS name');
    assert.equal(rows[0].name, 'replica-x');
    await pg.close();

    await assert.rejects(openStore(dir, { database: 'postgresql://hotline:secret@db:port/x' }), (e: { code?: string; message?: string }) => e.code === 'bad_request' && !/secret/.test(e.message ?? ''));
    await assert.rejects(openStore(dir, { database: 'mysql://root:secret@db/x' }), (e: { code?: string; message?: string }) => e.code === 'bad_request' && !/secret/.test(e.message ?? ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test('a database URL is shown without its password', () => {
  assert.equal(redact('postgresql://hotline:s3cret@db.example:5432/station'), 'postgresql://hotline:***@db.example:5432/station');
  assert.equal(redact('postgresql://db.example/station'), 'postgresql://db.example/station');
});
