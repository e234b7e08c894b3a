import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addMember } from '../src/station/commands/member-creator.ts';
import { Auth } from '../src/station/auth.ts';
import { tokenExpiry } from '../src/station/sign-in/token-lifetime.ts';
import { SqliteStore } from '../src/station/storage/sqlite/sqlite-store.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { api, cli, eventually, PASSWORD, startStation } from './support/station.ts';

// A station that lost its database, or went back to an old backup, gets its
// own logs back from its peer and then appends where it left off, without
// ever signing a second history (the peer records no evidence).

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const DB_FILES = ['station.db', 'station.db-wal', 'station.db-shm'];

function removeDatabase(dir: string) {
  for (const f of DB_FILES) rmSync(join(dir, f), { force: true });
}

/** Every entry of every log in a stopped (or WAL-readable) station database, as hex, by line/party. */
function logBytes(dir: string): Map<string, string[]> {
  const db = new Database(join(dir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT l.line_id AS line, l.party AS party, e.seq AS seq, e.bytes AS bytes FROM entry e JOIN log l ON l.id = e.log_id ORDER BY l.line_id, l.party, e.seq').all() as Array<{ line: string; party: string; seq: number; bytes: Buffer }>;
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const key = `${r.line}/${r.party}`;
      const list = out.get(key) ?? out.set(key, []).get(key)!;
      assert.equal(r.seq, list.length, `${key} has no gap`);
      list.push(r.bytes.toString('hex'));
    }
    return out;
  } finally {
    db.close();
  }
}

/** Members (name → role) added to a stopped station's database, with a token each. */
async function addMembers(dir: string, members: Record<string, string>): Promise<Record<string, string>> {
  const store = new SqliteStore(join(dir, 'station.db'));
  try {
    const auth = new Auth(store, Date.now);
    const tokens: Record<string, string> = {};
    for (const [name, role] of Object.entries(members)) {
      const m = (await store.memberByName(name)) ?? (await addMember(store, Date.now, { name, role, password: PASSWORD }));
      tokens[name] = await auth.issue(m.id, 'token', 'test', tokenExpiry(Date.now(), undefined));
    }
    return tokens;
  } finally {
    await store.close();
  }
}

async function send(s: Linked, line: string, text: string) {
  const r = await s.as('duty', 'POST', `/v1/lines/${line}/messages`, { text });
  assert.equal(r.status, 201, `${s.name} sends on ${line}: ${r.text}`);
  return r.json as { seq: number; party: string };
}

async function size(s: Linked, line: string, party: string): Promise<number> {
  const r = await s.as('duty', 'GET', `/v1/lines/${line}/logs/${party}/checkpoint`);
  if (r.status !== 200) return -1;
  return Number(r.text.split('\n')[1]);
}

async function transcript(s: Linked, line: string): Promise<string> {
  const r = await s.as('duty', 'GET', `/v1/lines/${line}/transcript?limit=1000`);
  assert.equal(r.status, 200, r.text);
  return JSON.stringify(r.json.items.map(({ deliveredTo: _, ...item }: any) => item));
}

async function noEvidence(s: Linked) {
  const r = await s.as('root', 'GET', '/v1/evidence');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.evidence ?? r.json, [], `${s.name} holds no evidence of a second history`);
}

async function verifies(s: Linked, line: string, keys: string[]) {
  const r = await cli(['verify', '--line', line, '--url', s.proc.url, '--token', s.tokens.duty, ...keys.flatMap((k) => ['--key', k])]);
  assert.equal(r.code, 0, `hotline verify at ${s.name}: ${r.stdout}${r.stderr}`);
}

/** Traffic both ways on both lines, and waits until each station holds all of it. */
async function traffic(alpha: Linked, bravo: Linked, lines: string[], n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    for (const line of lines) {
      await send(alpha, line, `${tag} alpha ${i}`);
      await send(bravo, line, `${tag} bravo ${i}`);
    }
  }
  for (const line of lines) {
    for (const party of ['Alpha', 'Bravo']) {
      const at = await size(party === 'Alpha' ? alpha : bravo, line, party);
      await eventually(async () => (await size(party === 'Alpha' ? bravo : alpha, line, party)) === at, `${party}'s log of ${line} at ${at} on both`);
    }
  }
}

async function pair() {
  const linked = await linkedStations(['Alpha', 'Bravo'], { duty: 'duty_officer' }, { heartbeatMs: 200 });
  cleanups.push(() => linked.stop());
  const [alpha, bravo] = linked.stations;
  // One line created by each side, so that one of Alpha's recovered logs opens with its own signed definition.
  const lines = [await shareLine(alpha, [bravo], 'from-alpha', ['duty']), await shareLine(bravo, [alpha], 'from-bravo', ['duty'])];
  return { alpha, bravo, lines, keys: [alpha.dir.identity.vkey, bravo.dir.identity.vkey] };
}

/** Restarts a stopped Alpha on its old peer port, keeping the harness's handle working. */
async function restart(alpha: Linked) {
  const peerListen = new URL(alpha.proc.linkUrl).host;
  alpha.proc = await startStation(alpha.dir.dir, '127.0.0.1:0', 20_000, peerListen);
  const proc = alpha.proc;
  alpha.as = (m, method, p, body) => api(proc.url, alpha.tokens[m], method, p, body);
}

/** After recovery: entry bytes equal, appends go on at the next position, no evidence, transcripts and verification agree. */
async function assertCaughtUp(alpha: Linked, bravo: Linked, lines: string[], keys: string[], expected: Map<string, number>) {
  for (const line of lines) {
    const r = await eventually(async () => {
      const res = await alpha.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: `after recovery on ${line}` });
      // While the log is coming back, appends are refused with 503, never taken at a stale position.
      if (res.status === 503) {
        assert.equal(res.json.error.code, 'unavailable');
        return undefined;
      }
      return res;
    }, `an append at Alpha on ${line}`, 20_000);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.seq, expected.get(line), `Alpha's next entry on ${line} goes on where it left off`);
    await eventually(async () => (await size(bravo, line, 'Alpha')) === expected.get(line)! + 1, `Bravo holds Alpha's new entry on ${line}`);
  }
  await noEvidence(bravo);
  await noEvidence(alpha);
  for (const line of lines) {
    await eventually(async () => (await transcript(alpha, line)) === (await transcript(bravo, line)), `transcripts of ${line} identical on both`);
    await verifies(alpha, line, keys);
    await verifies(bravo, line, keys);
  }
}

test('a station whose database was deleted recovers every entry from its peer with hotline recover, then appends where it left off', { timeout: 120_000 }, async () => {
  const { alpha, bravo, lines, keys } = await pair();
  await traffic(alpha, bravo, lines, 6, 'before');
  const expected = new Map<string, number>();
  for (const line of lines) expected.set(line, await size(bravo, line, 'Alpha'));

  await alpha.proc.stop();
  removeDatabase(alpha.dir.dir);
  // Nothing is left but the key and hotline.json: pin the peer again, as an operator would.
  const pin = await cli(['peer', 'add', 'Bravo', '--key', bravo.dir.identity.vkey, '--url', bravo.proc.linkUrl, '--dir', alpha.dir.dir]);
  assert.equal(pin.code, 0, pin.stderr);
  const recovered = await cli(['recover', '--dir', alpha.dir.dir, '--timeout', '30']);
  assert.equal(recovered.code, 0, `${recovered.stdout}${recovered.stderr}`);
  for (const line of lines) {
    assert.match(recovered.stdout, new RegExp(`line ${line}: own log 0 → ${expected.get(line)} entries, recovered from Bravo and verified`));
  }
  assert.match(recovered.stderr, /ALARM: this station had lost entries/);

  // Every entry is back, byte for byte as Bravo holds it (Bravo's own logs too).
  const ours = logBytes(alpha.dir.dir);
  const theirs = logBytes(bravo.dir.dir);
  for (const line of lines) {
    for (const party of ['Alpha', 'Bravo']) {
      assert.deepEqual(ours.get(`${line}/${party}`), theirs.get(`${line}/${party}`), `${party}'s log of ${line}`);
    }
    assert.equal(ours.get(`${line}/Alpha`)!.length, expected.get(line));
  }

  // A second run finds nothing missing.
  const again = await cli(['recover', '--dir', alpha.dir.dir, '--timeout', '30']);
  assert.equal(again.code, 0, `${again.stdout}${again.stderr}`);
  assert.match(again.stdout, /nothing was missing/);

  alpha.tokens = await addMembers(alpha.dir.dir, { root: 'admin', duty: 'duty_officer' });
  alpha.dir.tokens = alpha.tokens;
  await restart(alpha);
  for (const line of lines) assert.equal((await alpha.as('root', 'PUT', `/v1/lines/${line}/members`, { members: ['duty'] })).status, 200);
  await assertCaughtUp(alpha, bravo, lines, keys, expected);
});

test('a station restored from an old backup recovers from its peer by itself before it appends', { timeout: 120_000 }, async () => {
  const { alpha, bravo, lines, keys } = await pair();
  await traffic(alpha, bravo, lines, 3, 'before the backup');
  // SQLite's online backup, taken while the station runs.
  const backupDir = mkdtempSync(join(tmpdir(), 'hotline-backup-'));
  cleanups.push(() => rmSync(backupDir, { recursive: true, force: true }));
  const backup = join(backupDir, 'station.db');
  const live = new Database(join(alpha.dir.dir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    await live.backup(backup);
  } finally {
    live.close();
  }
  await traffic(alpha, bravo, lines, 5, 'after the backup');
  const expected = new Map<string, number>();
  for (const line of lines) expected.set(line, await size(bravo, line, 'Alpha'));

  await alpha.proc.stop();
  removeDatabase(alpha.dir.dir);
  const restore = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await restore.backup(join(alpha.dir.dir, 'station.db'));
  } finally {
    restore.close();
  }
  assert.ok(existsSync(join(alpha.dir.dir, 'station.db')));
  // The old copy holds less of Alpha's own logs than Bravo does.
  const old = logBytes(alpha.dir.dir);
  for (const line of lines) assert.ok(old.get(`${line}/Alpha`)!.length < expected.get(line)!);

  await restart(alpha);
  await assertCaughtUp(alpha, bravo, lines, keys, expected);
  assert.match(alpha.proc.output(), /ALARM: this station had lost entries/);
  const security = await alpha.as('root', 'GET', '/v1/security/log');
  assert.equal(security.status, 200, security.text);
  const kinds = security.json.events.map((e: { kind: string }) => e.kind);
  assert.ok(kinds.includes('log.lost') && kinds.includes('log.recovered'), `the loss and the recovery are on the security log: ${kinds.join(', ')}`);

  await alpha.proc.stop();
  await bravo.proc.stop();
  const ours = logBytes(alpha.dir.dir);
  const theirs = logBytes(bravo.dir.dir);
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [key, bytes] of theirs) assert.deepEqual(ours.get(key), bytes, key);
});

test('a station started on an empty database with its peer pinned again recovers its lines and logs by itself', { timeout: 120_000 }, async () => {
  const { alpha, bravo, lines, keys } = await pair();
  await traffic(alpha, bravo, lines, 4, 'before');
  const expected = new Map<string, number>();
  for (const line of lines) expected.set(line, await size(bravo, line, 'Alpha'));
  await alpha.proc.stop();
  removeDatabase(alpha.dir.dir);
  const pin = await cli(['peer', 'add', 'Bravo', '--key', bravo.dir.identity.vkey, '--url', bravo.proc.linkUrl, '--dir', alpha.dir.dir]);
  assert.equal(pin.code, 0, pin.stderr);
  alpha.tokens = await addMembers(alpha.dir.dir, { root: 'admin', duty: 'duty_officer' });
  await restart(alpha);
  // The lines come back with Bravo's offer (the one Alpha created too); its members are named again.
  for (const line of lines) {
    await eventually(async () => (await alpha.as('root', 'PUT', `/v1/lines/${line}/members`, { members: ['duty'] })).status === 200, `${line} back at Alpha`);
  }
  await assertCaughtUp(alpha, bravo, lines, keys, expected);
  assert.match(alpha.proc.output(), /ALARM: this station had lost entries/);
});
