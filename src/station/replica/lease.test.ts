import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Lease } from './lease.ts';
import { PostgresStore } from '../storage/postgres/postgres-store.ts';
import { testDatabase, type TestDatabase } from '../../../test/support/postgres.ts';

const LEASE_MS = 500;
let db: TestDatabase;
let url: string;

async function onDb<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

const backends = (id: string) => onDb(async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [id])).rows[0].n as number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  db = await testDatabase();
  url = db.url;
  // Opening a store migrates the schema, the lease table and its one row included.
  await (await PostgresStore.open({ url })).close();
});

after(async () => {
  await db?.drop();
});

const lease = (id: string) => new Lease({ database: url, id, url: `https://${id}.test`, leaseMs: LEASE_MS });

test('of two replicas on one database exactly one leads, and the other knows which', async () => {
  const a = lease(`a-${randomBytes(3).toString('hex')}`);
  const b = lease(`b-${randomBytes(3).toString('hex')}`);
  try {
    const [sa, sb] = await Promise.all([a.tick(), b.tick()]);
    const roles = [sa.role, sb.role].sort();
    assert.deepEqual(roles, ['follower', 'leader']);
    const [leader, follower] = sa.role === 'leader' ? [a, b] : [b, a];
    // The loser may have looked before the winner committed: its next look names the winner.
    const seen = await follower.tick();
    assert.equal(seen.role, 'follower');
    assert.equal(seen.leader?.holder, leader.id);
    assert.equal(seen.leader?.url, `https://${leader.id}.test`);
    assert.equal(seen.leader?.epoch, leader.epoch);
    // Renewal keeps it: past the lease's length, still the same leader and epoch.
    const epoch = leader.epoch;
    for (let i = 0; i < 6; i++) {
      await sleep(LEASE_MS / 4);
      assert.equal((await leader.tick()).role, 'leader');
      assert.equal((await follower.tick()).role, 'follower');
    }
    assert.equal(leader.epoch, epoch);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('a leader that stops renewing (paused) loses the lease after it expires, and its connections are cut', async () => {
  const a = lease(`paused-${randomBytes(3).toString('hex')}`);
  const b = lease(`next-${randomBytes(3).toString('hex')}`);
  try {
    assert.equal((await a.tick()).role, 'leader');
    const first = a.epoch!;
    // a is "paused": it neither renews nor closes its connection. Before expiry b must not take over.
    assert.equal((await b.tick()).role, 'follower');
    assert.equal(await backends(a.id), 1);
    await sleep(LEASE_MS + 100);
    const taken = await b.tick();
    assert.equal(taken.role, 'leader');
    assert.equal(b.epoch, first + 1);
    await sleep(100);
    assert.equal(await backends(a.id), 0, 'the paused leader\'s connection was terminated');
    // Resumed, a finds it no longer leads, and follows b.
    assert.equal((await a.tick()).role, 'follower');
    const seen = await a.tick();
    assert.equal(seen.role, 'follower');
    assert.equal(seen.leader?.holder, b.id);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('a leader whose process died (its backend gone) is replaced before its lease expires', async () => {
  const a = lease(`killed-${randomBytes(3).toString('hex')}`);
  const b = lease(`heir-${randomBytes(3).toString('hex')}`);
  try {
    assert.equal((await a.tick()).role, 'leader');
    const epoch = a.epoch!;
    assert.equal((await b.tick()).role, 'follower');
    // A SIGKILLed process's socket closes and its backend ends: the same as terminating it.
    await onDb((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [a.id]));
    await sleep(50);
    const started = Date.now();
    const taken = await b.tick();
    assert.equal(taken.role, 'leader');
    assert.equal(b.epoch, epoch + 1);
    assert.ok(Date.now() - started < LEASE_MS, 'taken at once, not after expiry');
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('a leader that stops cleanly gives the lease up at once', async () => {
  const a = lease(`leaving-${randomBytes(3).toString('hex')}`);
  const b = lease(`staying-${randomBytes(3).toString('hex')}`);
  try {
    assert.equal((await a.tick()).role, 'leader');
    const epoch = a.epoch!;
    assert.equal((await b.tick()).role, 'follower');
    await a.stop();
    assert.equal((await b.tick()).role, 'leader');
    assert.equal(b.epoch, epoch + 1);
    const row = await onDb(async (c) => (await c.query('SELECT holder, epoch FROM lease WHERE id = 1')).rows[0]);
    assert.equal(row.holder, b.id);
    assert.equal(Number(row.epoch), epoch + 1);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('a renewal that finds another holder gives up the lead', async () => {
  const a = lease(`usurped-${randomBytes(3).toString('hex')}`);
  const changes: string[] = [];
  a.onChange((s) => changes.push(s.role));
  try {
    assert.equal((await a.tick()).role, 'leader');
    await onDb((c) => c.query(`UPDATE lease SET epoch = epoch + 1, holder = 'someone-else', url = 'https://else.test', expires_at = now() + interval '1 minute', pid = pg_backend_pid() WHERE id = 1`));
    assert.equal((await a.tick()).role, 'follower');
    assert.deepEqual(changes, ['leader', 'follower']);
  } finally {
    await a.stop();
    await onDb((c) => c.query(`UPDATE lease SET holder = NULL, expires_at = now() WHERE id = 1`));
  }
});

test('the store fences a leader that lost the lease: its commits are refused, on a fresh connection too', async () => {
  const a = lease(`fenced-${randomBytes(3).toString('hex')}`);
  const b = lease(`fencer-${randomBytes(3).toString('hex')}`);
  // a's store connections carry a's id (as a replica's do), so b's take-over cuts them; the pool then reconnects.
  const store = await PostgresStore.open({ url, applicationName: a.id });
  try {
    assert.equal((await a.tick()).role, 'leader');
    store.fence = a.epoch;
    await store.commit({ entries: [], checkpoints: [] });
    await sleep(LEASE_MS + 100);
    assert.equal((await b.tick()).role, 'leader');
    await sleep(50);
    assert.equal(await backends(a.id), 0);
    // The stale leader has not noticed yet: whatever it commits now is refused, whichever connection carries it.
    for (let i = 0; i < 3; i++) {
      await assert.rejects(store.commit({ entries: [], checkpoints: [] }), (e: any) => e.code === 'unavailable' || /terminat|connection/i.test(e.message));
    }
    await assert.rejects(store.commit({ entries: [], checkpoints: [] }), (e: any) => e.code === 'unavailable' && /no longer holds the lease/.test(e.message));
    // With b's epoch the same store commits: the fence is the epoch, nothing else.
    store.fence = b.epoch;
    await store.commit({ entries: [], checkpoints: [] });
  } finally {
    await store.close();
    await a.stop();
    await b.stop();
  }
});
