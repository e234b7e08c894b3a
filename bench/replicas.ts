import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { testDatabase } from '../test/support/postgres.ts';
import { ReplicaResources, ReplicaSet, call, sleep, type Replica } from '../test/support/replicas.ts';
import { tlsFor } from '../test/support/station.ts';
import { appendRate } from './appends.ts';
import { summarize } from './stats.ts';
import { ensureWrk, wrkPost } from './wrk.ts';

// Figures of a station on PostgreSQL run as replicas: real `hotline serve`
// processes on loopback, each bench on a database of its own (created and
// dropped here), every process stopped even when a measurement fails.

const MEMBERS = { root: 'admin', duty: 'duty_officer' };
const BODY = JSON.stringify({ text: 'Routine line traffic: position report unchanged.', lang: 'en' });

async function withReplicas<T>(name: string, count: number, options: { leaseMs?: number; direct?: boolean }, run: (set: ReplicaSet) => Promise<T>): Promise<T> {
  const resources = new ReplicaResources();
  try {
    const db = await testDatabase();
    resources.cleanups.push(() => db.drop());
    const set = await ReplicaSet.create({ name, members: MEMBERS, database: db.url, count, leaseMs: options.leaseMs ?? 2000, direct: options.direct, config: { lineTestMinutes: 0 }, resources });
    await set.start(set.replicas[0]);
    await Promise.all(set.replicas.slice(1).map((r) => set.start(r)));
    const { replica: leader, view } = await set.leader(20_000);
    for (const r of set.replicas) if (r !== leader) await set.following(r, view, 20_000);
    const line = await call(leader.url, set.tokens.root, 'POST', '/v1/lines', { id: 'bench', title: 'Bench', parties: [], members: ['duty'] });
    if (line.status !== 201) throw new Error(`creating the line: ${line.status} ${JSON.stringify(line.json)}`);
    return await run(set);
  } finally {
    await resources.dispose();
  }
}

export interface PostgresAppends {
  rate: number;
  p50: number;
  p99: number;
  count: number;
  /** Mean entries per commit, from the station's own metrics. */
  entriesPerCommit: number;
  load: 'wrk' | 'undici';
  /** CPU the station process used during the load, in cores (1 = one core busy all the time). */
  stationCpuCores: number;
}

/** User + system CPU seconds a process has used so far (Linux /proc), NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * Appends per second with `writers` concurrent clients against the leader of
 * a station on PostgreSQL (one replica, straight to the database: no proxy in
 * the way). Compare with postgresCommitRate(): one synchronous commit per
 * append could go no faster than that floor.
 */
export async function postgresAppendRate(writers = 64, ms = 6000): Promise<PostgresAppends> {
  return withReplicas('BenchPg', 1, { direct: true }, async (set) => {
    const [leader] = set.replicas;
    const token = set.tokens.duty;
    const wrk = ensureWrk();
    // Warm the station (connections, caches) before the figure.
    await appendRate(leader.url, token, 'bench', 8, 1000);
    let result: { rate: number; p50: number; p99: number; count: number };
    const cpuBefore = cpuSeconds(leader.proc?.pid);
    const t = performance.now();
    if (wrk) {
      const r = wrkPost(`${leader.url}/v1/lines/bench/messages`, token, BODY, writers, Math.max(1, Math.round(ms / 1000)));
      if (r.errors > 0) throw new Error(`${r.errors} appends failed under load`);
      result = r;
    } else {
      result = await appendRate(leader.url, token, 'bench', writers, ms);
    }
    const stationCpuCores = (cpuSeconds(leader.proc?.pid) - cpuBefore) / ((performance.now() - t) / 1000);
    const metrics = (await call(leader.url, undefined, 'GET', '/metrics')).json.text as string;
    const sum = Number(/hotline_commit_entries_sum (\S+)/.exec(metrics)?.[1]);
    const count = Number(/hotline_commit_entries_count (\S+)/.exec(metrics)?.[1]);
    return { ...result, entriesPerCommit: sum / count, load: wrk ? 'wrk' : 'undici', stationCpuCores };
  });
}

export interface Failover {
  /** Leader SIGKILL → first append acknowledged (through any surviving replica) by the new leader, ms. */
  samples: number[];
  p50: number;
  max: number;
  /** Leader SIGKILL → a surviving replica saying it leads (GET /v1/station), ms. */
  electedP50: number;
  leaseMs: number;
  kills: number;
}

/**
 * `kills` times: SIGKILL the leader of three replicas while a client keeps
 * trying to append through each surviving replica (one request at a time
 * each, every 20 ms), and time the first acknowledgement; then restart the
 * killed replica, wait until it follows, and go again.
 */
export async function replicaFailover(kills = 10, leaseMs = 2000, log: (line: string) => void = () => undefined): Promise<Failover> {
  return withReplicas('BenchFailover', 3, { leaseMs, direct: true }, async (set) => {
    const token = set.tokens.duty;
    const samples: number[] = [];
    const elected: number[] = [];
    for (let k = 0; k < kills; k++) {
      const { replica: old } = await set.leader(20_000);
      const survivors = set.replicas.filter((r) => r !== old);
      const t0 = performance.now();
      const killing = set.kill(old);
      let acked: number | undefined;
      let electedAt: number | undefined;
      const deadline = t0 + 30_000;
      const probe = async (r: Replica, i: number) => {
        for (let n = 0; acked === undefined && performance.now() < deadline; n++) {
          const began = performance.now();
          try {
            const res = await call(r.url, token, 'POST', '/v1/lines/bench/messages', { text: `failover ${k} via ${r.label} #${n}/${i}` }, 2000);
            if (res.status === 201) acked ??= performance.now() - t0;
          } catch {
            // Not there (restarting its parts) or no answer in time: try again.
          }
          await sleep(Math.max(0, 20 - (performance.now() - began)));
        }
      };
      const watch = async () => {
        while (electedAt === undefined && performance.now() < deadline) {
          const views = await Promise.all(survivors.map((r) => set.view(r, 500)));
          if (views.some((v) => v?.role === 'leader')) electedAt = performance.now() - t0;
          else await sleep(10);
        }
      };
      await Promise.all([...survivors.map(probe), watch(), killing]);
      if (acked === undefined) throw new Error(`no append was acknowledged within 30 s of killing ${old.label}`);
      samples.push(acked);
      if (electedAt !== undefined) elected.push(electedAt);
      log(`  kill ${k + 1}: ${old.label} → first append acknowledged after ${Math.round(acked)} ms (a leader after ${Math.round(electedAt ?? NaN)} ms)`);
      const { view } = await set.leader(20_000, old);
      await set.start(old);
      await set.following(old, view, 20_000);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { samples, p50: summarize(samples).p50, max: sorted.at(-1)!, electedP50: summarize(elected).p50, leaseMs, kills };
  });
}

export interface StandbyLatency {
  /** Append sent to the leader → the entry's live event on a console of the leader, ms. */
  leader: { p50: number; p99: number; n: number };
  /** The same append → its live event on a console of a follower (standby), ms. */
  follower: { p50: number; p99: number; n: number };
  /** follower.p50 − leader.p50. */
  differenceP50: number;
  /** Append sent → its 201 from the leader, ms: what the entry event waits for at least. */
  answered: { p50: number; p99: number; n: number };
}

/** A console on the leader and one on a follower; `count` appends to the leader, one every 1000/`rate` ms. */
export async function standbyEventLatency(count = 300, rate = 50, warmup = 20): Promise<StandbyLatency> {
  return withReplicas('BenchStandby', 2, { direct: true }, async (set) => {
    const { replica: leader } = await set.leader(20_000);
    const follower = set.replicas.find((r) => r !== leader)!;
    const token = set.tokens.duty;
    // As a console does on opening a line: fetch it first.
    for (const r of [leader, follower]) await call(r.url, token, 'GET', '/v1/lines/bench/transcript?limit=1');
    const consoles = await Promise.all([leader, follower].map((r) => heard(r.url, token)));
    try {
      const sent = new Map<string, number>();
      const answered: number[] = [];
      for (let i = 0; i < warmup + count; i++) {
        const text = `standby ${i}`;
        const t = performance.now();
        if (i >= warmup) sent.set(text, t);
        const res = await call(leader.url, token, 'POST', '/v1/lines/bench/messages', { text });
        if (res.status !== 201) throw new Error(`append ${i}: ${res.status} ${JSON.stringify(res.json)}`);
        if (i >= warmup) answered.push(performance.now() - t);
        await sleep(Math.max(0, 1000 / rate - (performance.now() - t)));
      }
      const deadline = performance.now() + 15_000;
      while (performance.now() < deadline && !consoles.every((c) => [...sent.keys()].every((t) => c.at.has(t)))) await sleep(50);
      const latencies = consoles.map((c) => {
        const missing = [...sent.keys()].filter((t) => !c.at.has(t)).length;
        if (missing) throw new Error(`a console missed ${missing} of ${sent.size} entries`);
        return summarize([...sent].map(([t, at]) => c.at.get(t)! - at));
      });
      return { leader: latencies[0], follower: latencies[1], differenceP50: latencies[1].p50 - latencies[0].p50, answered: summarize(answered) };
    } finally {
      for (const c of consoles) c.close();
    }
  });
}

/** A console on /v1/events that notes when each message entry's event arrives, by text. */
async function heard(url: string, token: string): Promise<{ at: Map<string, number>; close(): void }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, ...tlsFor(url) });
  const at = new Map<string, number>();
  ws.on('error', () => undefined); // a stream that breaks shows as missing events; the open below reports a refusal
  ws.on('message', (data) => {
    const t = performance.now();
    const e = JSON.parse(String(data));
    if (e.type === 'entry' && typeof e.entry?.body?.text === 'string' && !at.has(e.entry.body.text)) at.set(e.entry.body.text, t);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()); // hello
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`event stream refused: ${res.statusCode}`)));
  });
  return { at, close: () => ws.terminate() };
}
