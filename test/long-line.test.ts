import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { decodeEntry, encodeEntry, type Entry } from '../src/core/entry.ts';
import { LINE_DEFINE } from '../src/core/kinds/line-definition.ts';
import { foldEntry } from '../src/core/line-state/fold.ts';
import { canon } from '../src/core/line-state/scenario.test-support.ts';
import { createLineState } from '../src/core/line-state/state.ts';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { mergeTranscript } from '../src/core/transcript.ts';
import { newSeed, nodeCrypto, signerFromSeed } from '../src/node/crypto.ts';
import { buildApp } from '../src/station/api/app.ts';
import { integrityRoutes } from '../src/station/api/routes/integrity.ts';
import { createLine } from '../src/station/commands/line-creator.ts';
import { IntegrityChecks, verifiedPosition } from '../src/station/integrity-check.ts';
import { LineStates, snapshotKey } from '../src/station/line-states.ts';
import { Station } from '../src/station/station.ts';
import { startupCheck } from '../src/station/startup-check.ts';
import { SqliteStore } from '../src/station/storage/sqlite/sqlite-store.ts';
import { Transcripts } from '../src/station/transcript.ts';
import { makeStationDir } from './support/station.ts';

const ENTRIES = Number(process.env.LONG_LINE_ENTRIES ?? 30_000);

test('transcript pages, read a window at a time as logs grow, equal the whole merge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-transcript-'));
  const store = new SqliteStore(join(dir, 'station.db'));
  const parties = ['Moscow', 'Paris', 'Washington'];
  const signers = parties.map(() => signerFromSeed(newSeed()));
  let lines = 0;
  try {
    const step = fc.record({ party: fc.nat({ max: 2 }), dt: fc.constantFrom(-2, 0, 0, 0, 1, 3), sees: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), define: fc.boolean() });
    const growth = fc.record({
      by: fc.array(fc.nat({ max: 12 }), { minLength: 3, maxLength: 3 }), start: fc.nat(), limit: fc.integer({ min: 1, max: 40 }), fresh: fc.boolean(),
      // A fresh reader may hold less than the saved index covers: a replica a moment behind the one that saved it.
      behind: fc.array(fc.nat({ max: 6 }), { minLength: 3, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 90 }), fc.array(growth, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 7 }), async (steps, growths, markEvery) => {
        const id = `tr-${lines++}`;
        await store.createLine({ id, title: 't', parties: parties.map((name, i) => ({ name, key: formatVerifierKey(nodeCrypto, name, signers[i].publicKey) })), discreet: false, createdAt: 0, memberIds: [] });
        // A causal history: each entry sees only what its peers had written; times wander a little (clocks differ).
        const logs = parties.map(() => [] as Entry[]);
        const bytes = parties.map(() => [] as Uint8Array[]);
        let clock = 1_000;
        for (const st of steps) {
          const p = st.party;
          clock += st.dt;
          const seen: Record<string, number> = {};
          parties.forEach((q, i) => {
            if (i !== p && logs[i].length > 0) seen[q] = st.sees[i] % (logs[i].length + 1);
          });
          const kind = st.define && logs[p].length === 0 ? LINE_DEFINE : 'message';
          const b = encodeEntry({ v: 1, line: id, party: parties[p], seq: logs[p].length, time: clock, kind, body: { text: 'x', from: 'd' }, seen }, signers[p]);
          bytes[p].push(b);
          logs[p].push(decodeEntry(b));
        }
        for (let p = 0; p < parties.length; p++) {
          await store.commit({ entries: bytes[p].map((b, seq) => ({ line: id, party: parties[p], seq, bytes: b, nodes: [] })), checkpoints: [] });
        }
        // The station holds ever longer prefixes of each log (a peer's arrive in bursts, out of step with ours).
        const held = parties.map(() => 0);
        let transcripts = new Transcripts(store, { markEvery, saveEvery: 1 });
        const record = (await store.line(id))!;
        for (const g of growths) {
          g.by.forEach((n, p) => (held[p] = Math.min(logs[p].length, held[p] + n)));
          if (g.fresh) {
            transcripts = new Transcripts(store, { markEvery, saveEvery: 1 });
            g.behind.forEach((n, p) => (held[p] = Math.max(0, held[p] - n)));
          }
          const expected = mergeTranscript(new Map(parties.map((q, p) => [q, logs[p].slice(0, held[p])])));
          const start = expected.items.length ? g.start % (expected.items.length + 1) : 0;
          const view = await transcripts.read(record, (q) => held[parties.indexOf(q)], start, g.limit);
          assert.equal(view.total, expected.items.length);
          assert.equal(view.pending, expected.pending);
          assert.deepEqual(view.items.map((i) => `${i.entry.party}:${i.seq}`), expected.items.slice(start, start + g.limit).map((i) => `${i.entry.party}:${i.seq}`));
        }
      }),
      { numRuns: Number(process.env.TRANSCRIPT_FUZZ_RUNS ?? 150) },
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`a line of ${ENTRIES} entries: resumed from its snapshot; checks since the verified point and in full catch tampering`, { timeout: 300_000 }, async () => {
  const dir = await makeStationDir('Washington', { admin: 'admin' });
  const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
  try {
    let station = await Station.open(dir.dir, { check: false });
    const admin = (await station.store.memberByName('admin'))!;
    const line = await createLine(station, { id: admin.id, name: admin.name, role: admin.role }, { id: 'long-line', title: 'Years of records', parties: [moscow], members: [] });
    const write = async (n: number, tag: string) => {
      for (let done = 0; done < n; done += 5000) {
        const batch = [];
        for (let i = done; i < Math.min(n, done + 5000); i++) {
          batch.push(station.appender.append(i % 10 === 0
            ? { line: line.id, kind: 'message', body: { text: `${tag} ${i}`, from: 'duty', precedence: 'ROUTINE' } }
            : { line: line.id, kind: 'line.test', body: {} }));
        }
        await Promise.all(batch);
      }
    };
    await write(ENTRIES, 'old');
    const verified = await startupCheck({ store: station.store, crypto: station.crypto, me: station.name, mode: 'full' });
    assert.equal(verified.checked.entries, ENTRIES + 1);
    const state = (await station.lineStates.get(line.id))!;
    assert.equal(station.lineStates.lastLoad(line.id)?.resumed, false);
    assert.equal(state.messages.size, ENTRIES / 10);
    await station.lineStates.save();
    await station.close();

    // Restarted: more entries since, then the state resumes from the snapshot and folds only those.
    station = await Station.open(dir.dir, { check: false });
    await write(500, 'new');
    const resumed = (await station.lineStates.get(line.id))!;
    assert.deepEqual(station.lineStates.lastLoad(line.id), { resumed: true, folded: 500 });
    const size = station.replicator.size({ line: line.id, party: station.name });
    assert.equal(size, ENTRIES + 501);
    const full = createLineState(line, station.name);
    for (const bytes of await station.store.entries({ line: line.id, party: station.name }, 0, size)) foldEntry(full, decodeEntry(bytes));
    assert.deepEqual(canon(resumed), canon(full), 'the resumed state is the full fold');
    const saved = (await station.store.setting(snapshotKey(line.id))) as { sizes: Record<string, number> };
    assert.ok(saved.sizes[station.name] >= ENTRIES, 'the snapshot names the log sizes it covers');

    // The transcript of the whole line pages from its marks: the last page is the last entries.
    const page = await station.transcripts.read(line, (party) => station.replicator.size({ line: line.id, party }), ENTRIES + 490, 100);
    assert.equal(page.total, ENTRIES + 500);
    assert.deepEqual(page.items.map((i) => i.seq), Array.from({ length: 10 }, (_, k) => ENTRIES + 491 + k));
    await station.close();

    // A quick check verifies only the 500 new entries, and records how far it got.
    const db = new Database(join(dir.dir, 'station.db'));
    const logId = (db.prepare('SELECT id FROM log WHERE line_id = ? AND party = ?').get(line.id, 'Washington') as { id: number }).id;
    const tamper = (seq: number) => {
      const row = db.prepare('SELECT bytes FROM entry WHERE log_id = ? AND seq = ?').get(logId, seq) as { bytes: Buffer };
      const text = row.bytes.toString('utf8');
      const changed = text.includes('"old ') ? text.replace('"old ', '"odd ') : text.replace('"new ', '"now ');
      assert.notEqual(changed, text);
      db.prepare('UPDATE entry SET bytes = ? WHERE log_id = ? AND seq = ?').run(Buffer.from(changed, 'utf8'), logId, seq);
      return () => db.prepare('UPDATE entry SET bytes = ? WHERE log_id = ? AND seq = ?').run(row.bytes, logId, seq);
    };
    const store = new SqliteStore(join(dir.dir, 'station.db'));
    try {
      const lineLog = { line: line.id, party: 'Washington' };
      assert.equal((await verifiedPosition(store, lineLog))?.size, ENTRIES + 1);

      // Tampered after the verified point: the start-up check itself refuses.
      const untamper = tamper(ENTRIES + 1 + 250);
      await assert.rejects(startupCheck({ store, crypto: nodeCrypto, me: 'Washington', mode: 'since-verified' }), (e: Error) => e.message.includes(`entry ${ENTRIES + 251} of Washington's log`));
      untamper();
      const quick = await startupCheck({ store, crypto: nodeCrypto, me: 'Washington', mode: 'since-verified' });
      assert.equal(quick.checked.entries, 500, 'only what was added since the verified point');
      await quick.background;
      assert.equal(quick.checks.status().last?.state, 'passed');
      assert.equal((await verifiedPosition(store, lineLog))?.size, ENTRIES + 501);

      // Tampered long before: the quick check cannot see it, the background full check does and raises the alarm.
      tamper(41);
      const alarms: string[] = [];
      const later = await startupCheck({ store, crypto: nodeCrypto, me: 'Washington', mode: 'since-verified', onAlarm: (a) => alarms.push(a.detail) });
      assert.equal(later.checked.entries, 0);
      await later.background;
      assert.equal(later.checks.status().last?.state, 'failed');
      assert.match(alarms[0] ?? '', /entry 41 of Washington's log/);
    } finally {
      await store.close();
    }

    // On demand, over the API (admin only), the same full check finds it.
    station = await Station.open(dir.dir, { check: false });
    const app = await buildApp(station);
    try {
      if (!app.hasRoute({ method: 'POST', url: '/v1/station/integrity-check' })) await app.register(integrityRoutes, {});
      const ask = await app.inject({ method: 'POST', url: '/v1/station/integrity-check?wait=true', headers: { authorization: `Bearer ${dir.tokens.admin}` } });
      assert.equal(ask.statusCode, 200, ask.body);
      const body = ask.json() as { last: { state: string; failure: string } };
      assert.equal(body.last.state, 'failed');
      assert.match(body.last.failure, /entry 41 of Washington's log/);
      const anonymous = await app.inject({ method: 'POST', url: '/v1/station/integrity-check' });
      assert.equal(anonymous.statusCode, 401);
    } finally {
      await app.close();
      await station.close();
      db.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('a full re-check while the station keeps appending passes: a growing log is not a fault', { timeout: 120_000 }, async () => {
  const dir = await makeStationDir('Washington', { admin: 'admin' });
  const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
  const station = await Station.open(dir.dir, { check: false });
  try {
    const admin = (await station.store.memberByName('admin'))!;
    const line = await createLine(station, { id: admin.id, name: admin.name, role: admin.role }, { id: 'busy-line', title: 'Busy', parties: [moscow], members: [] });
    const append = (n: number) => Promise.all([...Array(n)].map((_, i) => station.appender.append({ line: line.id, kind: 'message', body: { text: `m ${i}`, from: 'duty' } })));
    await append(3000);
    const alarms: string[] = [];
    const checks = new IntegrityChecks({ store: station.store, crypto: station.crypto, me: station.name, onAlarm: (a) => alarms.push(a.detail), chunk: 64 });
    const run = checks.full('on-demand');
    // Appends land between the check's steps (each step yields to the event loop).
    for (let i = 0; i < 20; i++) await append(50);
    const done = await run;
    assert.equal(done.state, 'passed', done.failure ?? '');
    assert.deepEqual(alarms, []);
    assert.ok(done.entries >= 3001);

    // A snapshot that claims more than is stored cannot stand for these logs: the line is folded from them instead.
    await station.lineStates.get(line.id);
    await station.lineStates.save();
    const saved = (await station.store.setting(snapshotKey(line.id))) as { sizes: Record<string, number>; state: { folded: Array<[string, number, number[]]> } };
    const held = (log: { line: string; party: string }) => station.replicator.size(log);
    const resumed = new LineStates({ store: station.store, me: station.name, held });
    await resumed.get(line.id);
    assert.deepEqual(resumed.lastLoad(line.id), { resumed: true, folded: 0 });
    saved.state.folded = saved.state.folded.map(([party, below, above]) => [party, below + 1_000_000, above]);
    await station.store.setSetting(snapshotKey(line.id), saved);
    const refolded = new LineStates({ store: station.store, me: station.name, held });
    const state = await refolded.get(line.id);
    assert.deepEqual(refolded.lastLoad(line.id), { resumed: false, folded: 4001 });
    assert.deepEqual(canon(state), canon(await resumed.get(line.id)));
  } finally {
    await station.close();
    dir.cleanup();
  }
});
