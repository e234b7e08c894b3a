import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { StoreChange } from '../store.ts';
import { PostgresStore } from './postgres-store.ts';
import { testDatabase, type TestDatabase } from '../../../../test/support/postgres.ts';
import { TcpProxy } from '../../../../test/support/tcp-proxy.ts';

// What only a database shared by several processes has: changes heard across
// stores, a feed that survives losing its connection, the lease's fence,
// migrations that two replicas start at once.

const bytes = (...xs: number[]) => new Uint8Array(xs);

/** Every change a store hears, and a way to wait for one. */
function hearing(store: PostgresStore) {
  const heard: StoreChange[] = [];
  const waiters: Array<{ match: (c: StoreChange) => boolean; resolve: (c: StoreChange) => void }> = [];
  store.onChange((change) => {
    heard.push(change);
    for (const w of [...waiters]) if (w.match(change)) waiters.splice(waiters.indexOf(w), 1), w.resolve(change);
  });
  return {
    heard,
    next(match: (c: StoreChange) => boolean): Promise<StoreChange> {
      const hit = heard.find(match);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

async function withTwo(fn: (a: PostgresStore, b: PostgresStore, db: TestDatabase) => Promise<void>) {
  const db = await testDatabase();
  const a = await PostgresStore.open({ url: db.url, applicationName: 'replica-a' });
  const b = await PostgresStore.open({ url: db.url, applicationName: 'replica-b' });
  try {
    await fn(a, b, db);
  } finally {
    await a.close();
    await b.close();
    await db.drop();
  }
}

async function sql(url: string, text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

test('two stores on one database hear each other\'s log sizes, lines and feed events, never their own', async () => {
  await withTwo(async (a, b) => {
    const ha = hearing(a);
    const hb = hearing(b);
    await Promise.all([a.listening(), b.listening()]);

    const log = { line: 'ln-1', party: 'A' };
    await a.commit({ entries: [0, 1, 2].map((seq) => ({ ...log, seq, bytes: bytes(seq), nodes: [] })), checkpoints: [], grewFrom: [{ ...log, size: 0 }] });
    assert.deepEqual(await hb.next((c) => c.kind === 'log'), { kind: 'log', line: 'ln-1', party: 'A', size: 3 });

    await b.createLine({ id: 'ln-2', title: 'T', parties: [{ name: 'A', key: 'A+00000000+AQ==' }], discreet: false, createdAt: 1, memberIds: [] });
    assert.deepEqual(await ha.next((c) => c.kind === 'line'), { kind: 'line', id: 'ln-2' });

    const m = await a.addMember({ name: 'duty', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    assert.deepEqual(await hb.next((c) => c.kind === 'members'), { kind: 'members' });
    await b.setPeer({ name: 'Moscow', key: 'k', urls: ['wss://x'] });
    assert.deepEqual(await ha.next((c) => c.kind === 'peers'), { kind: 'peers' });

    await a.announce({ kind: 'feed', event: { type: 'alarm', line: 'ln-1' } });
    // Larger than a NOTIFY can carry: it goes through the broadcast table, in order with the small ones after it.
    const big = { type: 'delivery', blob: 'x'.repeat(9000) };
    await a.announce({ kind: 'feed', event: big });
    await a.announce({ kind: 'feed', event: { type: 'after' } });
    await hb.next((c) => c.kind === 'feed' && c.event.type === 'after');
    assert.deepEqual(hb.heard.filter((c) => c.kind === 'feed').map((c) => (c as { event: unknown }).event), [{ type: 'alarm', line: 'ln-1' }, big, { type: 'after' }]);

    // A marker from b, heard by a, puts everything a sent before it behind us: a heard none of its own.
    await b.announce({ kind: 'feed', event: { type: 'marker' } });
    await ha.next((c) => c.kind === 'feed' && c.event.type === 'marker');
    assert.deepEqual(ha.heard.map((c) => c.kind), ['line', 'peers', 'feed']);
    assert.ok(!hb.heard.some((c) => c.kind === 'line' || c.kind === 'peers'), 'b heard its own change');
    assert.equal(hb.heard.filter((c) => c.kind === 'log').length, 1);
    assert.ok(m.id > 0);
  });
});

test('a line cached by one store is dropped when another changes it', async () => {
  await withTwo(async (a, b) => {
    await a.listening();
    const heard = hearing(a);
    const x = await b.addMember({ name: 'x', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    const y = await b.addMember({ name: 'y', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    await b.createLine({ id: 'ln-1', title: 'T', parties: [{ name: 'A', key: 'A+00000000+AQ==' }], discreet: true, createdAt: 1, memberIds: [x.id] });
    await heard.next((c) => c.kind === 'line');
    assert.deepEqual((await a.line('ln-1'))?.memberIds, [x.id]);
    assert.deepEqual((await a.line('ln-1'))?.memberIds, [x.id], 'now from the cache');
    await b.setLineMembers('ln-1', [x.id, y.id]);
    await heard.next((c) => c.kind === 'line' && heard.heard.filter((h) => h.kind === 'line').length === 2);
    assert.deepEqual((await a.line('ln-1'))?.memberIds, [x.id, y.id]);
  });
});

test('a feed whose connection is killed reports a gap, reconnects, and hears changes again; the pool recovers too', async () => {
  const errors: unknown[] = [];
  const db = await testDatabase();
  const a = await PostgresStore.open({ url: db.url, applicationName: 'replica-a', onError: (e) => errors.push(e) });
  const b = await PostgresStore.open({ url: db.url, applicationName: 'replica-b' });
  try {
    const ha = hearing(a);
    await a.listening();
    await a.memberByName('nobody'); // an idle pooled connection, to be killed as well
    const killed = await sql(db.url, "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'replica-a'");
    assert.ok(killed.length >= 2, `the feed's and the pool's connections (${killed.length})`);
    assert.deepEqual(await ha.next((c) => c.kind === 'gap'), { kind: 'gap' });
    await a.listening();
    const log = { line: 'ln-1', party: 'B' };
    await b.commit({ entries: [{ ...log, seq: 0, bytes: bytes(1), nodes: [] }], checkpoints: [] });
    assert.deepEqual(await ha.next((c) => c.kind === 'log'), { kind: 'log', line: 'ln-1', party: 'B', size: 1 });
    // The pool's killed connection was an error for nobody but onError; the next query gets a new one.
    assert.equal(await a.logSize(log), 1);
    assert.ok(errors.length >= 1, 'the lost connections were reported to onError');
  } finally {
    await a.close();
    await b.close();
    await db.drop();
  }
});

test('a connection gone silent (a blackholed network) fails queries instead of hanging them, and the feed comes back with a gap', async () => {
  const db = await testDatabase();
  const target = new URL(db.url);
  const proxy = await TcpProxy.start(Number(target.port || 5432), { targetHost: target.hostname });
  const through = new URL(db.url);
  through.port = String(proxy.port);
  const errors: unknown[] = [];
  let lostSeen: () => void = () => {};
  const lost = new Promise<void>((resolve) => (lostSeen = resolve));
  const a = await PostgresStore.open({
    url: through.toString(), heartbeatMs: 200, queryTimeoutMs: 1000, connectTimeoutMs: 1000,
    onError: (e) => (errors.push(e), /stopped answering/.test(String(e)) && lostSeen()),
  });
  const b = await PostgresStore.open({ url: db.url });
  try {
    const ha = hearing(a);
    await a.listening();
    proxy.cut('blackhole');
    await assert.rejects(a.logSize({ line: 'ln-1', party: 'B' }), (e: { code?: string }) => e.code === 'unavailable');
    const mine = { line: 'ln-1', party: 'A' };
    await assert.rejects(a.commit({ entries: [{ ...mine, seq: 0, bytes: bytes(7), nodes: [] }], checkpoints: [], grewFrom: [{ ...mine, size: 0 }] }), (e: { code?: string }) => e.code === 'unavailable');
    await lost; // the heartbeat noticed the feed's silence
    proxy.restore();
    assert.deepEqual(await ha.next((c) => c.kind === 'gap'), { kind: 'gap' });
    await a.listening();
    const log = { line: 'ln-1', party: 'B' };
    await b.commit({ entries: [{ ...log, seq: 0, bytes: bytes(1), nodes: [] }], checkpoints: [] });
    assert.deepEqual(await ha.next((c) => c.kind === 'log'), { kind: 'log', line: 'ln-1', party: 'B', size: 1 });
    assert.equal(await a.logSize(log), 1);
    assert.equal(await b.logSize(mine), 0, 'the commit cut off mid-way was rolled back by the server');
  } finally {
    await a.close();
    await b.close();
    await proxy.close();
    await db.drop();
  }
});

test('a commit under a stale fence is refused and writes nothing', async () => {
  await withTwo(async (a, b, db) => {
    const log = { line: 'ln-1', party: 'A' };
    await sql(db.url, 'UPDATE lease SET epoch = 5, holder = $1 WHERE id = 1', ['replica-b']);
    a.fence = 4; // a leader that lost the lease while paused
    const heard = hearing(b);
    await b.listening();
    await assert.rejects(
      a.commit({ entries: [{ ...log, seq: 0, bytes: bytes(1), nodes: [] }], checkpoints: [{ ...log, size: 1, note: 'cp1' }], grewFrom: [{ ...log, size: 0 }], sign: () => assert.fail('signed under a stale fence') }),
      (e: { code?: string; message?: string }) => e.code === 'unavailable' && /no longer holds the lease/.test(e.message ?? ''),
    );
    assert.equal(await b.logSize(log), 0);
    assert.equal(await b.latestCheckpoint(log), null);
    b.fence = 5;
    await b.commit({ entries: [{ ...log, seq: 0, bytes: bytes(2), nodes: [] }], checkpoints: [], grewFrom: [{ ...log, size: 0 }] });
    assert.deepEqual(await a.entries(log, 0, 5), [bytes(2)]);
    // b's own commit is not heard by b; nothing of a's refused commit was heard either.
    await a.announce({ kind: 'feed', event: { type: 'marker' } });
    await heard.next((c) => c.kind === 'feed');
    assert.deepEqual(heard.heard.map((c) => c.kind), ['feed']);
  });
});

test('replicas that start at once on an empty database migrate it once', async () => {
  const db = await testDatabase();
  try {
    const stores = await Promise.all([0, 1, 2, 3].map(() => PostgresStore.open({ url: db.url })));
    const migrations = stores.map((s) => s.migration);
    assert.equal(migrations.filter((m) => m.from === 0).length, 1, 'one of them made the schema');
    assert.ok(migrations.every((m) => m.to === migrations[0].to && m.to >= 1));
    await Promise.all(stores.map((s) => s.close()));
    const rows = await sql(db.url, 'SELECT version FROM schema_migration ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), Array.from({ length: migrations[0].to }, (_, i) => i + 1));
    assert.deepEqual(await sql(db.url, 'SELECT id, epoch FROM lease'), [{ id: 1, epoch: '0' }]);
  } finally {
    await db.drop();
  }
});

test('an unreachable server is an unavailable error, not a crash', async () => {
  const db = await testDatabase();
  await db.drop();
  await assert.rejects(PostgresStore.open({ url: db.url }), (e: { code?: string; message?: string }) => e.code === 'unavailable' && /does not exist/.test(e.message ?? ''));
  await assert.rejects(PostgresStore.open({ url: 'postgres://postgres@127.0.0.1:1/none' }), (e: { code?: string }) => e.code === 'unavailable');
});
