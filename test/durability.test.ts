import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { api, cli, makeStationDir, startStation } from './support/station.ts';
import { decodeEntry } from '../src/core/entry.ts';

// Real processes, real SIGKILLs, real disk: what was acknowledged survives,
// and what is changed behind the station's back is found.

test('SIGKILL during concurrent appends loses no acknowledged entry and leaves no half-written state', { timeout: 120_000 }, async () => {
  const s = await makeStationDir('Kyiv', { root: 'admin', duty: 'duty_officer' });
  try {
    let station = await startStation(s.dir);
    await api(station.url, s.tokens.root, 'POST', '/v1/lines', { id: 'crash', title: 'Crash test', parties: [], members: ['duty'] });
    const acknowledged = new Map<number, string>();
    for (let round = 0; round < 4; round++) {
      let stop = false;
      const writers = [...Array(16)].map(async (_, w) => {
        for (let i = 0; !stop; i++) {
          const text = `r${round} w${w} #${i}`;
          try {
            const r = await api(station.url, s.tokens.duty, 'POST', '/v1/lines/crash/messages', { text });
            if (r.status === 201) acknowledged.set(r.json.seq, text);
          } catch {
            return; // the station died under us: this request was never acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
      await station.kill();
      stop = true;
      await Promise.all(writers);
      // The restart runs the full integrity check; a half-written commit would fail it.
      station = await startStation(s.dir);
      const size = (await api(station.url, s.tokens.duty, 'GET', '/v1/lines/crash/logs/Kyiv/entries?limit=1')).json.size;
      assert.ok(size >= acknowledged.size, `round ${round}: ${size} entries stored, ${acknowledged.size} acknowledged`);
    }
    assert.ok(acknowledged.size > 50, `only ${acknowledged.size} appends were acknowledged`);
    const db = new Database(join(s.dir, 'station.db'), { readonly: true });
    const rows = db.prepare('SELECT e.seq, e.bytes FROM entry e JOIN log l ON l.id = e.log_id WHERE l.line_id = ? ORDER BY e.seq').all('crash') as Array<{ seq: number; bytes: Buffer }>;
    db.close();
    rows.forEach((r, i) => assert.equal(r.seq, i, 'sequence numbers have no gaps'));
    for (const [seq, text] of acknowledged) assert.equal((decodeEntry(new Uint8Array(rows[seq].bytes)).body as { text: string }).text, text, `entry ${seq}`);
    const texts = rows.map((r) => (decodeEntry(new Uint8Array(r.bytes)).body as { text: string }).text);
    assert.equal(new Set(texts).size, texts.length, 'no entry is stored twice');
    await station.stop();
  } finally {
    s.cleanup();
  }
});

test('a row altered in the database is caught by the start-up check and by hotline verify', { timeout: 60_000 }, async () => {
  const s = await makeStationDir('Paris', { root: 'admin', duty: 'duty_officer' });
  try {
    let station = await startStation(s.dir);
    await api(station.url, s.tokens.root, 'POST', '/v1/lines', { id: 'tamper', title: 'Tamper', parties: [], members: ['duty'] });
    for (let i = 0; i < 20; i++) await api(station.url, s.tokens.duty, 'POST', '/v1/lines/tamper/messages', { text: `message ${i}` });
    await station.stop();

    const db = new Database(join(s.dir, 'station.db'));
    const row = db.prepare("SELECT e.log_id, e.bytes FROM entry e JOIN log l ON l.id = e.log_id WHERE l.line_id = 'tamper' AND e.seq = 7").get() as { log_id: number; bytes: Buffer };
    // Entry 0 is the line's signed definition, so entry 7 holds "message 6".
    const altered = Buffer.from(row.bytes.toString().replace('message 6', 'message 8'));
    db.prepare('UPDATE entry SET bytes = ? WHERE log_id = ? AND seq = 7').run(altered, row.log_id);
    db.close();

    await assert.rejects(startStation(s.dir), /entry 7 of Paris's log/);
    const bundle = join(s.dir, 'tampered.json');
    assert.equal((await cli(['export', '--offline', '--dir', s.dir, '--line', 'tamper', '--out', bundle])).code, 0);
    const verdict = await cli(['verify', '--bundle', bundle]);
    assert.equal(verdict.code, 10);
    assert.match(verdict.stderr, /entry 7 of Paris's log: entry signature does not verify/);

    // Put the entry back but forge a stored tree node instead: still caught.
    const db2 = new Database(join(s.dir, 'station.db'));
    db2.prepare('UPDATE entry SET bytes = ? WHERE log_id = ? AND seq = 7').run(row.bytes, row.log_id);
    db2.prepare('UPDATE node SET hash = zeroblob(32) WHERE log_id = ? AND level = 2 AND idx = 1').run(row.log_id);
    db2.close();
    await assert.rejects(startStation(s.dir), /stored tree node 2\/1 of Paris's log/);

    const db3 = new Database(join(s.dir, 'station.db'));
    db3.prepare('DELETE FROM node WHERE log_id = ? AND level = 2 AND idx = 1').run(row.log_id);
    db3.prepare('DELETE FROM entry WHERE log_id = ? AND seq = 19').run(row.log_id);
    db3.close();
    await assert.rejects(startStation(s.dir), /missing entries|does not match|holds/);
    station = undefined as never;
  } finally {
    s.cleanup();
  }
});
