import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../src/station/storage/sqlite/schema.ts';
import { POSTGRES_SCHEMA_VERSION, postgresMigrations, postgresOnlyTables } from '../src/station/storage/postgres/schema.ts';
import { stationTables } from '../src/station/storage/copy.ts';
import { api, cli, eventually, PASSWORD, startStation, type StationProcess } from './support/station.ts';
import { linkedStations, shareLine } from './support/linked.ts';
import { testDatabase, testServer, type TestDatabase } from './support/postgres.ts';

// The database commands as an operator runs them: real stations, a real
// PostgreSQL server, the CLI as a process. A station moves from SQLite to
// PostgreSQL and back with its record intact, is backed up while it serves,
// and is restored from the backup.

const work = mkdtempSync(join(tmpdir(), 'hotline-dbcli-'));
const databases: TestDatabase[] = [];
const processes: StationProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

after(async () => {
  for (const p of processes) await p.stop();
  for (const c of cleanups) await c();
  for (const d of databases) await d.drop();
  rmSync(work, { recursive: true, force: true });
});

/** A new, empty PostgreSQL database on the test server; dropped after the tests. */
async function newDatabase(): Promise<string> {
  const d = await testDatabase();
  databases.push(d);
  return d.url;
}

async function start(dir: string, peerPort?: number): Promise<StationProcess> {
  const p = await startStation(dir, '127.0.0.1:0', 20_000, `127.0.0.1:${peerPort ?? 0}`);
  processes.push(p);
  return p;
}

const database = (dir: string) => JSON.parse(readFileSync(join(dir, 'hotline.json'), 'utf8')).database as string;
const strip = (t: any) => t.items.map((i: any) => [i.party, i.seq, i.leafHash]);
const texts = (t: any) => t.items.filter((i: any) => i.kind === 'message').map((i: any) => i.body.text);

/** An error as the CLI must give one: a non-zero status and a single line, never a stack. */
function oneLineError(r: { code: number; stderr: string }, code: number, pattern: RegExp) {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** Exports the line from the station directory's own database (no server) and verifies the bundle. */
async function verifyOffline(dir: string, line: string): Promise<any> {
  const out = join(work, `bundle-${randomBytes(4).toString('hex')}.json`);
  const exported = await cli(['export', '--offline', '--dir', dir, '--line', line, '--out', out]);
  assert.equal(exported.code, 0, exported.stderr);
  const verified = await cli(['verify', '--bundle', out]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  return JSON.parse(readFileSync(out, 'utf8'));
}

test('the copy moves every table: the PostgreSQL schema has the SQLite tables and only its own besides', () => {
  const postgres = postgresMigrations.flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((x) => x[1]));
  assert.deepEqual([...new Set(postgres)].filter((t) => !postgresOnlyTables.includes(t)).sort(), [...stationTables].sort());
  assert.ok(stationTables.includes('entry') && stationTables.indexOf('member') < stationTables.indexOf('credential'), 'referenced tables come first');
});

test('a station moves from SQLite to PostgreSQL and back: same record, still linked; backups while serving restore and verify', { timeout: 180_000 }, async () => {
  const { stations: [A, B], stop } = await linkedStations(['Alpha', 'Bravo'], { duty: 'duty_officer' }, { lineTestMinutes: 0, heartbeatMs: 200 });
  cleanups.push(stop);
  const line = await shareLine(A, [B], 'northern', ['duty']);
  const adir = A.dir.dir;
  const token = A.tokens.duty;
  const peerPort = Number(new URL(A.proc.linkUrl).port);
  let alpha = A.proc;
  const atAlpha = (method: string, path: string, body?: unknown) => api(alpha.url, token, method, path, body);
  const transcriptAt = async (url: string, t: string) => (await api(url, t, 'GET', `/v1/lines/${line}/transcript?limit=1000`)).json;
  const sent: string[] = [];
  /** Waits until both stations hold every message sent so far, all receipted, and returns Alpha's transcript (the same as Bravo's). */
  const settled = async () => {
    const [ta, tb] = await eventually(async () => {
      const x = await transcriptAt(alpha.url, token);
      const y = await transcriptAt(B.proc.url, B.tokens.duty);
      const complete = (t: any) => sent.every((m) => texts(t).includes(m)) && t.items.every((i: any) => i.deliveredTo.length === 1);
      return x.total === y.total && complete(x) && complete(y) && [x, y];
    }, `${sent.length} messages receipted on both stations`, 20_000);
    assert.deepEqual(strip(ta), strip(tb), 'the two stations hold the same transcript');
    return ta;
  };
  const send = async (at: 'A' | 'B', text: string) => {
    const r = at === 'A' ? await atAlpha('POST', `/v1/lines/${line}/messages`, { text }) : await B.as('duty', 'POST', `/v1/lines/${line}/messages`, { text });
    assert.equal(r.status, 201, r.text);
    sent.push(text);
  };

  for (let i = 0; i < 3; i++) {
    await send('A', `Alpha ${i}`);
    await send('B', `Bravo ${i}`);
  }
  await settled();
  const alphaLog = (bundle: any) => bundle.logs.find((l: any) => l.party === 'Alpha').entries as unknown[];
  const beforeBackup = alphaLog(await verifyOffline(adir, line));

  // A backup taken while the station serves and writes.
  const sqliteBackup = join(work, 'alpha-backup.db');
  let backingUp = true;
  let during = 0;
  const writing = (async () => {
    // At least two writes whatever the timing; then as many as the backup takes.
    while (backingUp || during < 2) await send('A', `during backup ${during++}`);
  })();
  const backedUp = await cli(['backup', '--dir', adir, '--to', sqliteBackup]);
  backingUp = false;
  await writing;
  assert.equal(backedUp.code, 0, backedUp.stderr);
  assert.match(backedUp.stdout, /integrity ok/);
  oneLineError(await cli(['backup', '--dir', adir, '--to', sqliteBackup]), 5, /already exists/);
  const withBackup = await settled();
  const afterBackup = alphaLog(await verifyOffline(adir, line));
  assert.equal(afterBackup.length, beforeBackup.length + during);

  // Serving: the SQLite file is in use, and nothing is made at the target.
  const url = await newDatabase();
  oneLineError(await cli(['db', 'copy', '--dir', adir, '--to', url]), 5, /hotline db copy: .*in use by another process/);
  oneLineError(await cli(['db', 'copy', '--dir', adir, '--to', join(work, 'never.db')]), 5, /in use/);
  assert.ok(!existsSync(join(work, 'never.db')), 'a refused copy leaves no file behind');

  await alpha.stop();
  const onSqlite = await verifyOffline(adir, line);
  const copied = await cli(['db', 'copy', '--dir', adir, '--to', url, '--switch']);
  assert.equal(copied.code, 0, copied.stderr);
  assert.match(copied.stdout, /^ {2}entry +\d+$/m);
  assert.match(copied.stdout, /every table's row count matches/);
  assert.equal(database(adir), url);
  oneLineError(await cli(['db', 'copy', '--dir', adir, '--to', join(adir, 'station.db')]), 5, /not empty/);

  // The copy verifies on its own, before the station serves it.
  assert.deepEqual(await verifyOffline(adir, line), onSqlite, 'the same bundle, byte for byte, from the copy');

  alpha = await start(adir, peerPort);
  const station = await api(alpha.url, undefined, 'GET', '/v1/station');
  assert.equal(station.json.replica.role, 'leader', 'on PostgreSQL the station runs as a replica, and leads');
  assert.deepEqual(strip(await transcriptAt(alpha.url, token)), strip(withBackup), 'the same transcript from PostgreSQL');
  // A running replica holds the lease: neither a copy nor a second station may use the database now.
  oneLineError(await cli(['db', 'copy', '--dir', adir, '--to', join(work, 'never.db')]), 5, /in use/);
  assert.ok(!existsSync(join(work, 'never.db')));
  await send('A', 'Alpha on PostgreSQL');
  await send('B', 'Bravo to PostgreSQL');
  const onPostgres = await settled();
  assert.deepEqual(texts(onPostgres).slice(-2).sort(), ['Alpha on PostgreSQL', 'Bravo to PostgreSQL']);
  const remote = await cli(['verify', '--line', line, '--url', alpha.url, '--token', token]);
  assert.equal(remote.code, 0, remote.stdout + remote.stderr);

  // pg_dump while the replica serves; restored into a new database it verifies.
  const dump = join(work, 'alpha.dump');
  const dumped = await cli(['backup', '--dir', adir, '--to', dump]);
  assert.equal(dumped.code, 0, dumped.stderr);
  assert.match(dumped.stdout, /pg_restore --no-owner/);
  const restoredUrl = await newDatabase();
  const { spawnSync } = await import('node:child_process');
  const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, dump], { encoding: 'utf8' });
  assert.equal(restore.status, 0, restore.stderr);
  const pgRestoredDir = join(work, 'alpha-pg-restored');
  cpSync(adir, pgRestoredDir, { recursive: true });
  setDatabase(pgRestoredDir, restoredUrl);
  const current = await cli(['migrate', '--dir', pgRestoredDir]);
  assert.equal(current.code, 0, current.stderr);
  assert.match(current.stdout, new RegExp(`schema version ${POSTGRES_SCHEMA_VERSION} is current`));
  const onPostgresBundle = await verifyOffline(adir, line);
  assert.deepEqual(await verifyOffline(pgRestoredDir, line), onPostgresBundle, 'the restored dump holds what the station held');

  // And back to SQLite.
  await alpha.stop();
  const back = join(work, 'alpha-back.db');
  const copiedBack = await cli(['db', 'copy', '--dir', adir, '--to', back, '--switch']);
  assert.equal(copiedBack.code, 0, copiedBack.stderr);
  assert.equal(join(adir, database(adir)), back, 'hotline.json names the file relative to the station directory');
  oneLineError(await cli(['db', 'copy', '--dir', join(work, 'alpha-pg-restored'), '--to', url]), 5, /not empty/);
  assert.deepEqual(await verifyOffline(adir, line), onPostgresBundle, 'the same bundle from SQLite again');
  alpha = await start(adir, peerPort);
  assert.equal((await api(alpha.url, undefined, 'GET', '/v1/station')).json.replica.role, 'single');
  assert.deepEqual(strip(await transcriptAt(alpha.url, token)), strip(onPostgres), 'the same transcript from SQLite again');
  await send('B', 'Bravo to SQLite');
  await send('A', 'Alpha on SQLite');
  await settled();

  // Restore the SQLite backup taken while serving: a station directory with the backup as its database.
  await alpha.stop();
  const restoredDir = join(work, 'alpha-restored');
  cpSync(adir, restoredDir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(restoredDir, 'restored.db' + suffix), { force: true });
  copyFileSync(sqliteBackup, join(restoredDir, 'restored.db'));
  setDatabase(restoredDir, 'restored.db');
  const migrated = await cli(['migrate', '--dir', restoredDir]);
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, new RegExp(`schema version ${SCHEMA_VERSION} is current`));
  const restoredBundle = await verifyOffline(restoredDir, line);
  const restored = alphaLog(restoredBundle);
  assert.ok(restored.length >= beforeBackup.length && restored.length <= afterBackup.length, `the backup holds ${restored.length} of Alpha's entries: between ${beforeBackup.length} and ${afterBackup.length}`);
  assert.deepEqual(restored, afterBackup.slice(0, restored.length), 'the backup is one consistent state: a prefix of the log it ran beside');
});

function setDatabase(dir: string, value: string) {
  const path = join(dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), database: value }, null, 2));
}

test('init --database puts a new station on PostgreSQL; a database that holds a station is refused', { timeout: 60_000 }, async () => {
  const url = await newDatabase();
  const dir = join(work, 'charlie');
  const init = await cli(['init', '--name', 'Charlie', '--dir', dir, '--listen', '127.0.0.1:0', '--database', url]);
  assert.equal(init.code, 0, init.stderr);
  assert.equal(database(dir), url);
  assert.ok(!existsSync(join(dir, 'station.db')), 'no SQLite file beside a PostgreSQL station');
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'root', '--role', 'admin', '--password-stdin'], { input: PASSWORD })).code, 0);
  oneLineError(await cli(['init', '--name', 'Delta', '--dir', join(work, 'delta'), '--database', url]), 5, /hotline init: .*already holds a station/);
  assert.ok(!existsSync(join(work, 'delta', 'hotline.json')), 'the refused station is not made');

  const issued = await cli(['token', 'create', '--dir', dir, '--member', 'root']);
  assert.equal(issued.code, 0, issued.stderr);
  const token = issued.stdout.trim();
  const charlie = await start(dir);
  assert.equal((await api(charlie.url, undefined, 'GET', '/v1/station')).json.replica.role, 'leader');
  const created = await api(charlie.url, token, 'POST', '/v1/lines', { id: 'solo', title: 'Solo', parties: [], members: ['root'] });
  assert.equal(created.status, 201, created.text);
  const listed = await api(charlie.url, token, 'GET', '/v1/lines');
  assert.ok(listed.json.lines.some((l: any) => l.id === 'solo'), listed.text);
  const migrated = await cli(['migrate', '--dir', dir]);
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, new RegExp(`schema version ${POSTGRES_SCHEMA_VERSION} is current`));
  await charlie.stop();
});

test('migrate: a current SQLite database is left alone, an older one is brought up, a newer one refused', { timeout: 60_000 }, async () => {
  const dir = join(work, 'echo');
  assert.equal((await cli(['init', '--name', 'Echo', '--dir', dir, '--listen', '127.0.0.1:0'])).code, 0);
  const current = await cli(['migrate', '--dir', dir]);
  assert.equal(current.code, 0, current.stderr);
  assert.match(current.stdout, new RegExp(`^schema version ${SCHEMA_VERSION} is current`));

  // The shape of a version-0 database: before sign-in lockouts, idle timeouts and tickets.
  const path = join(dir, 'station.db');
  const old = new Database(path);
  old.exec('ALTER TABLE member DROP COLUMN locked_until; ALTER TABLE credential DROP COLUMN last_used_at; DROP TABLE ticket');
  old.pragma('user_version = 0');
  old.close();
  const up = await cli(['migrate', '--dir', dir]);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, new RegExp(`^schema version 0 → ${SCHEMA_VERSION}`));
  const db = new Database(path, { readonly: true });
  assert.ok((db.prepare('PRAGMA table_info(member)').all() as any[]).some((c) => c.name === 'locked_until'));
  assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'ticket'").get());
  db.close();
  assert.match((await cli(['migrate', '--dir', dir])).stdout, /is current/);
  // The station serves on the migrated file.
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'root', '--role', 'admin', '--password-stdin'], { input: PASSWORD })).code, 0);
  const token = (await cli(['token', 'create', '--dir', dir, '--member', 'root'])).stdout.trim();
  const echo = await start(dir);
  assert.equal((await api(echo.url, token, 'GET', '/v1/me')).json.name, 'root');
  await echo.stop();

  const newer = new Database(path);
  newer.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
  newer.close();
  oneLineError(await cli(['migrate', '--dir', dir]), 5, /newer than this Hotline knows/);
});

test('bad database input gets a one-line error and a non-zero status', { timeout: 60_000 }, async () => {
  const dir = join(work, 'foxtrot');
  assert.equal((await cli(['init', '--name', 'Foxtrot', '--dir', dir, '--listen', '127.0.0.1:0'])).code, 0);
  oneLineError(await cli(['db', 'copy', '--dir', dir, '--to', 'mysql://root@127.0.0.1/hotline']), 2, /unknown database scheme 'mysql:'/);
  oneLineError(await cli(['db', 'copy', '--dir', dir]), 2, /--to is required/);
  oneLineError(await cli(['db', 'move', '--dir', dir]), 2, /unknown subcommand/);
  oneLineError(await cli(['db', 'copy', '--dir', dir, '--to', join(dir, 'station.db')]), 2, /already uses/);
  oneLineError(await cli(['db', 'copy', '--dir', dir, '--to', 'postgresql://postgres:secret@127.0.0.1:1/hotline']), 6, /cannot reach PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/hotline/);
  const missing = new URL(await testServer());
  missing.pathname = `/hotline_t_missing_${randomBytes(4).toString('hex')}`;
  oneLineError(await cli(['db', 'copy', '--dir', dir, '--to', missing.toString()]), 4, /does not exist/);
  oneLineError(await cli(['init', '--name', 'Golf', '--dir', join(work, 'golf'), '--database', 'mongodb://127.0.0.1/x']), 2, /unknown database scheme/);
  oneLineError(await cli(['init', '--name', 'Golf', '--dir', join(work, 'golf'), '--database', 'postgresql://postgres@127.0.0.1:1/x']), 6, /cannot reach PostgreSQL/);
  assert.ok(!existsSync(join(work, 'golf', 'hotline.json')));

  setDatabase(dir, 'postgresql://postgres@127.0.0.1:1/x');
  oneLineError(await cli(['migrate', '--dir', dir]), 6, /hotline migrate: cannot reach PostgreSQL/);
  oneLineError(await cli(['backup', '--dir', dir, '--to', join(work, 'x.dump')]), 6, /hotline backup: pg_dump failed/);
  setDatabase(dir, 'station.db');
  writeFileSync(join(work, 'not-a-database.db'), 'plain text, not SQLite');
  setDatabase(dir, join(work, 'not-a-database.db'));
  oneLineError(await cli(['migrate', '--dir', dir]), 2, /not a usable SQLite database/);
});
