import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreSuite } from '../store.suite.ts';
import { SqliteStore } from './sqlite-store.ts';
import { SCHEMA_VERSION } from './schema.ts';

runStoreSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-store-'));
  const path = join(dir, 'station.db');
  return {
    store: new SqliteStore(path),
    reopen: async () => new SqliteStore(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

test('a database made before the sign-in columns is migrated in place, its rows kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-migrate-'));
  const path = join(dir, 'station.db');
  try {
    // The member and credential tables as every station before schema version 1 made them.
    const old = new Database(path);
    old.exec(`CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE credential (token_hash BLOB PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES member(id), kind TEXT NOT NULL, label TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID;
      INSERT INTO member (name, role, password_hash, created_at) VALUES ('alice', 'admin', 'h', 1);
      INSERT INTO credential VALUES (x'01', 1, 'token', 'ci', 2, NULL);`);
    assert.equal(old.pragma('user_version', { simple: true }), 0);
    old.close();

    const store = new SqliteStore(path);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const alice = await store.memberByName('alice');
      assert.equal(alice?.lockedUntil, null);
      await store.updateMember(alice!.id, { lockedUntil: 99 });
      assert.equal((await store.memberById(alice!.id))?.lockedUntil, 99);
      assert.deepEqual(await store.credential(new Uint8Array([1])), { memberId: 1, kind: 'token', label: 'ci', createdAt: 2, expiresAt: null, lastUsedAt: null });
      await store.addSecurityEvent({ time: 1, kind: 'login.ok', member: 'alice', actor: null, address: null, detail: '' });
    } finally {
      await store.close();
    }
    // Opening again changes nothing.
    const again = new SqliteStore(path);
    assert.equal((await again.memberByName('alice'))?.lockedUntil, 99);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
