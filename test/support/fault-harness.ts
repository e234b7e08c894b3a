import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cli, fetchStation, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './station.ts';
import { TcpProxy, type CutMode } from './tcp-proxy.ts';

// The fault scenario shared by test/fault.test.ts and scripts/soak.ts: three
// real stations linked through cuttable TCP proxies (one per ordered pair, so
// A's pin for B points at the A→B proxy), one three-party line, steady
// traffic from every station, and two chaos loops running side by side: one
// SIGKILLs a random station and restarts it (same directory, same ports), the
// other cuts a random link, or isolates a station, and restores it. Every
// append is tracked: acknowledged (201 and its seq), unknown (no answer: the
// station may have committed it just before dying) or rejected. When the
// chaos stops and every station has caught up, the stations must hold one
// record: (i) the same transcript everywhere; (ii) every author's log held
// exactly by every peer; (iii) every acknowledged append once, at its seq,
// everywhere; (iv) each log = acknowledged + the unknown ones that turn out
// committed, no text twice; (v) `hotline verify` passing against every
// station; (vi) every entry receipted by both other parties everywhere.

export const LINE = 'fault';

export interface FaultOptions {
  /** How long the chaos runs. */
  durationMs: number;
  log?: (line: string) => void;
  names?: string[];
  /** Concurrent writers per station. */
  writersPerStation?: number;
  /** Appends per second per station, all its writers together. */
  appendsPerSecond?: number;
  /** Bound on the wait for the stations to agree once the chaos stops. */
  convergeTimeoutMs?: number;
  /** Bound on the wait for every entry to be receipted by every other party. */
  receiptTimeoutMs?: number;
  /** Seed of the chaos choices (which station, which link, which cut, how long). */
  seed?: number;
  /** Where processes, proxies and directories are registered for cleanup; dispose() it in an after hook. */
  resources?: FaultResources;
  /** Keep the station directories (for a post-mortem); their paths are logged. */
  keepDirs?: boolean;
}

export interface FaultSummary {
  seed: number;
  stations: string[];
  chaosMs: number;
  appends: {
    attempted: number;
    acknowledged: number;
    /** No reply (network error, timeout): the station may or may not have committed it. */
    unknown: number;
    /** Of the unknown ones: refused before any byte was sent (the station was down), so certainly not committed. */
    unknownRefused: number;
    unknownCommitted: number;
    /** An HTTP answer other than 201. */
    rejected: number;
    rejectedCommitted: number;
    byStation: Record<string, { attempted: number; acknowledged: number; unknown: number; unknownCommitted: number; rejected: number; held: number }>;
  };
  kills: number;
  restarts: number;
  cuts: { total: number; links: number; isolations: number; reset: number; blackhole: number };
  /** Entries in each author's log at the end (all kinds), and the transcript's length. */
  finalSizes: Record<string, number>;
  transcriptTotal: number;
  /** From the moment the chaos stopped (links restored, stations running) to every link up again. */
  linksUpMs: number | null;
  /** From the same moment to every station holding every log, checkpointed (and then stable, with nothing pending). */
  convergeMs: number | null;
  /** From convergence to every entry carrying both other parties' receipts on every station. */
  receiptsMs: number | null;
  verify: Record<string, number>;
  failures: string[];
}

export class FaultScenarioError extends Error {
  constructor(readonly summary: FaultSummary) {
    super(`fault scenario failed (seed ${summary.seed}):\n  - ${summary.failures.join('\n  - ')}`);
  }
}

/** Everything the scenario starts, so that it can all be torn down even when the test times out. */
export class FaultResources {
  readonly processes = new Set<StationProcess>();
  readonly proxies = new Set<TcpProxy>();
  readonly dirs = new Set<StationDir>();
  keepDirs = false;
  private disposed = false;
  private readonly onExit = () => {
    for (const p of this.processes) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  };

  constructor() {
    process.once('exit', this.onExit);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.onExit);
    await Promise.all([...this.processes].map((p) => p.kill().catch(() => undefined)));
    await Promise.all([...this.proxies].map((p) => p.close().catch(() => undefined)));
    if (!this.keepDirs) for (const d of this.dirs) d.cleanup();
    this.processes.clear();
    this.proxies.clear();
  }
}

interface Node {
  name: string;
  dir: StationDir;
  apiPort: number;
  peerPort: number;
  url: string;
  proc?: StationProcess;
  /** Set while we are the ones stopping it, so an exit is not taken for a crash. */
  stopping: boolean;
  /** Output of earlier incarnations (tails), for post-mortems. */
  history: string[];
  /** Every error-level line the station logged, in all its incarnations (capped). */
  errors: string[];
}

interface Attempt {
  station: string;
  text: string;
  outcome: 'pending' | 'acknowledged' | 'unknown' | 'rejected';
  seq?: number;
  status?: number;
  error?: string;
  /** The request never reached a station (connection refused). */
  refused?: boolean;
}

export interface EntryView {
  party: string;
  seq: number;
  kind: string;
  body: Record<string, unknown>;
  leafHash: string;
  deliveredTo?: string[];
}

/**
 * A loopback port that is free now and, where the system says which ports it
 * hands out for outgoing connections, outside that range: a station's port is
 * unbound while it is down, and must not be taken meanwhile by one of the
 * thousands of connections the scenario opens. Falls back to freePort().
 */
async function stationPort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    return freePort();
  }
  for (let i = 0; i < 50 && low > 12_000; i++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 11_000));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded PRNG (mulberry32), so a run's chaos choices can be replayed with its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (lo: number, hi: number) => lo + next() * (hi - lo), pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] };
}

/** One HTTP call to a station started here; a network failure throws, any HTTP answer returns. */
export async function call(url: string, token: string | undefined, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<{ status: number; json: any }> {
  const res = await fetchStation(new URL(path, url), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

async function getOk(url: string, token: string, path: string): Promise<any> {
  const r = await call(url, token, 'GET', path);
  if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
  return r.json;
}

export async function until<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function runFaultScenario(options: FaultOptions): Promise<FaultSummary> {
  const log = options.log ?? (() => undefined);
  const names = options.names ?? ['Washington', 'Moscow', 'Paris'];
  const writersPerStation = options.writersPerStation ?? 4;
  const rate = options.appendsPerSecond ?? 30;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rnd = prng(seed);
  const own = !options.resources;
  const res = options.resources ?? new FaultResources();
  res.keepDirs = options.keepDirs ?? false;
  const failures: string[] = [];
  const fail = (msg: string) => {
    failures.push(msg);
    log(`FAIL: ${msg}`);
  };

  const summary: FaultSummary = {
    seed, stations: names, chaosMs: 0,
    appends: { attempted: 0, acknowledged: 0, unknown: 0, unknownRefused: 0, unknownCommitted: 0, rejected: 0, rejectedCommitted: 0, byStation: {} },
    kills: 0, restarts: 0, cuts: { total: 0, links: 0, isolations: 0, reset: 0, blackhole: 0 },
    finalSizes: {}, transcriptTotal: 0, linksUpMs: null, convergeMs: null, receiptsMs: null, verify: {}, failures,
  };
  log(`fault scenario: seed ${seed}, ${names.join(', ')}, ${writersPerStation} writers × ${rate}/s per station, ${Math.round(options.durationMs / 1000)} s of chaos`);

  const nodes: Node[] = [];
  const proxies = new Map<string, TcpProxy>(); // `${from}>${to}`: carries what `from` dials to reach `to`
  const crashes: string[] = [];

  async function start(node: Node): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const proc = await startStation(node.dir.dir, `127.0.0.1:${node.apiPort}`, 30_000, `127.0.0.1:${node.peerPort}`);
        res.processes.add(proc);
        node.proc = proc;
        let partial = '';
        const scan = (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop()!;
          for (const l of lines) if (/"level":(50|60)/.test(l) && node.errors.length < 500) node.errors.push(l);
        };
        proc.proc.stdout!.on('data', scan);
        proc.proc.stderr!.on('data', scan);
        node.stopping = false;
        proc.proc.once('exit', (code, signal) => {
          res.processes.delete(proc);
          node.history.push(proc.output().slice(-20_000));
          if (node.proc === proc) node.proc = undefined;
          if (!node.stopping) {
            const msg = `${node.name} exited by itself (code ${code}, signal ${signal}):\n${proc.output().slice(-4000)}`;
            crashes.push(msg);
            log(`CRASH: ${msg}`);
          }
        });
        return;
      } catch (e) {
        lastError = e;
        const msg = (e as Error).message;
        // A refusal to open the database is a finding, not a flaky start: do not retry it away.
        if (/integrity|does not match|missing entries|stored tree node|signature/i.test(msg)) break;
        log(`${node.name} did not start (attempt ${attempt + 1}): ${msg.split('\n').slice(0, 3).join(' | ').slice(0, 300)}`);
        await sleep(1000);
      }
    }
    throw new Error(`${node.name} would not start: ${(lastError as Error).message}`);
  }

  async function kill(node: Node): Promise<void> {
    const proc = node.proc;
    if (!proc) return;
    node.stopping = true;
    await proc.kill();
    node.proc = undefined;
  }

  const proxyBetween = (a: string, b: string) => [proxies.get(`${a}>${b}`)!, proxies.get(`${b}>${a}`)!];
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i], names[j]]);

  let writersStop = false;
  let chaosStop = false;
  const attempts = new Map<string, Attempt>();

  try {
    // --- stations, proxies, pins, the line -------------------------------
    for (const name of names) {
      const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
      res.dirs.add(dir);
      const configPath = join(dir.dir, 'hotline.json');
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      config.heartbeatMs = 200;
      writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
      const apiPort = await stationPort();
      const peerPort = await stationPort();
      nodes.push({ name, dir, apiPort, peerPort, url: `https://127.0.0.1:${apiPort}`, stopping: false, history: [], errors: [] });
      if (res.keepDirs) log(`${name}: ${dir.dir}`);
    }
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const proxy = await TcpProxy.start(b.peerPort);
        res.proxies.add(proxy);
        proxies.set(`${a.name}>${b.name}`, proxy);
      }
    }
    await Promise.all(nodes.map(start));
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const r = await call(a.url, a.dir.tokens.root, 'POST', '/v1/peers', { name: b.name, key: b.dir.identity.vkey, urls: [`wss://127.0.0.1:${proxies.get(`${a.name}>${b.name}`)!.port}/link`] });
        if (r.status !== 201) throw new Error(`pinning ${b.name} at ${a.name}: ${r.status} ${JSON.stringify(r.json)}`);
      }
    }
    await until(async () => {
      for (const n of nodes) {
        const links = (await getOk(n.url, n.dir.tokens.duty, '/v1/links')).links as Array<{ peer: string; status: string }>;
        if (links.filter((l) => l.status === 'up').length !== names.length - 1) return false;
      }
      return true;
    }, 'every link up', 20_000);

    const [creator, ...others] = nodes;
    const created = await call(creator.url, creator.dir.tokens.root, 'POST', '/v1/lines', { id: LINE, title: 'Fault tolerance', parties: others.map((n) => n.dir.identity.vkey), members: ['duty'] });
    if (created.status !== 201) throw new Error(`creating the line: ${created.status} ${JSON.stringify(created.json)}`);
    for (const n of others) {
      await until(async () => (await call(n.url, n.dir.tokens.root, 'GET', `/v1/lines/${LINE}`)).status === 200, `the line offered to ${n.name}`, 20_000);
      const r = await call(n.url, n.dir.tokens.root, 'PUT', `/v1/lines/${LINE}/members`, { members: ['duty'] });
      if (r.status !== 200) throw new Error(`naming members at ${n.name}: ${r.status}`);
    }
    log('three stations linked, line created and joined');

    // --- traffic ---------------------------------------------------------
    const intervalMs = (1000 * writersPerStation) / rate;
    const append = async (node: Node, text: string) => {
      const a: Attempt = { station: node.name, text, outcome: 'pending' };
      attempts.set(text, a);
      try {
        const r = await call(node.url, node.dir.tokens.duty, 'POST', `/v1/lines/${LINE}/messages`, { text }, 15_000);
        a.status = r.status;
        if (r.status === 201 && r.json.party === node.name && Number.isInteger(r.json.seq)) {
          a.outcome = 'acknowledged';
          a.seq = r.json.seq;
        } else {
          a.outcome = 'rejected';
          a.error = JSON.stringify(r.json).slice(0, 200);
        }
      } catch (e) {
        a.outcome = 'unknown';
        const cause = (e as { cause?: { code?: string } }).cause;
        a.error = `${(e as Error).message}${cause?.code ? ` (${cause.code})` : ''}`;
        a.refused = cause?.code === 'ECONNREFUSED';
      }
      return a;
    };
    const writer = async (node: Node, w: number) => {
      await sleep(Math.random() * intervalMs);
      for (let i = 0; !writersStop; i++) {
        const began = Date.now();
        const a = await append(node, `${node.name}/w${w}/${i}`);
        if (a.outcome === 'unknown') await sleep(100 + Math.random() * 200); // the station is probably down: do not spin
        await sleep(Math.max(0, intervalMs - (Date.now() - began)));
      }
    };
    const writers = nodes.flatMap((n) => [...Array(writersPerStation)].map((_, w) => writer(n, w)));

    // --- chaos -----------------------------------------------------------
    const chaosStarted = Date.now();
    const chaosUntil = chaosStarted + options.durationMs;
    const killer = (async () => {
      while (!chaosStop && Date.now() < chaosUntil) {
        await sleep(rnd.between(1500, 4500));
        if (chaosStop || Date.now() >= chaosUntil) break;
        const node = rnd.pick(nodes.filter((n) => n.proc));
        if (!node) continue;
        log(`kill ${node.name}`);
        await kill(node);
        summary.kills++;
        await sleep(rnd.between(200, 1500));
        await start(node);
        summary.restarts++;
        log(`restarted ${node.name}`);
      }
    })();
    const cutter = (async () => {
      while (!chaosStop && Date.now() < chaosUntil) {
        await sleep(rnd.between(800, 3000));
        if (chaosStop || Date.now() >= chaosUntil) break;
        const mode: CutMode = rnd.next() < 0.5 ? 'reset' : 'blackhole';
        let cut: TcpProxy[];
        let what: string;
        if (rnd.next() < 0.25) {
          const lone = rnd.pick(names);
          cut = names.filter((n) => n !== lone).flatMap((n) => proxyBetween(lone, n));
          what = `isolate ${lone}`;
          summary.cuts.isolations++;
        } else {
          const [a, b] = rnd.pick(pairs);
          cut = proxyBetween(a, b);
          what = `cut ${a}–${b}`;
          summary.cuts.links++;
        }
        summary.cuts.total++;
        summary.cuts[mode]++;
        log(`${what} (${mode})`);
        for (const p of cut) p.cut(mode);
        await sleep(rnd.between(300, 3000));
        for (const p of cut) p.restore();
        log(`restored: ${what}`);
      }
    })();
    // A chaos loop that throws (a station that will not restart) ends the run early.
    const chaosDone = Promise.all([killer, cutter]);
    await Promise.race([sleep(options.durationMs), chaosDone]);
    chaosStop = true;
    await chaosDone;
    // The closing act, always the same: a link goes down while traffic flows;
    // the traffic stops; each station then writes a few messages one at a
    // time on an otherwise quiet line (so they travel between the cut pair
    // only through the third station); only then does the link come back.
    // All of it must still reach, and be receipted on, every station.
    const [fa, fb] = rnd.pick(pairs);
    log(`closing act: cut ${fa}–${fb} (reset) under traffic, stop the traffic, write a few single messages, then restore`);
    for (const p of proxyBetween(fa, fb)) p.cut('reset');
    summary.cuts.total++;
    summary.cuts.links++;
    summary.cuts.reset++;
    await sleep(2000);
    writersStop = true;
    await Promise.all(writers);
    for (let i = 0; i < 3; i++) {
      for (const node of nodes) {
        await sleep(300);
        await append(node, `${node.name}/closing/${i}`);
      }
    }
    await sleep(1000);
    for (const p of proxies.values()) p.restore();
    for (const n of nodes) if (!n.proc) await start(n);
    summary.chaosMs = Date.now() - chaosStarted;
    const quiet = Date.now();

    for (const a of attempts.values()) {
      summary.appends.attempted++;
      if (a.outcome === 'acknowledged') summary.appends.acknowledged++;
      else if (a.outcome === 'unknown') {
        summary.appends.unknown++;
        if (a.refused) summary.appends.unknownRefused++;
      }
      else if (a.outcome === 'rejected') summary.appends.rejected++;
    }
    log(`chaos over after ${summary.chaosMs} ms: ${summary.kills} kills, ${summary.cuts.total} cuts; ${summary.appends.acknowledged} appends acknowledged, ${summary.appends.unknown} unknown (${summary.appends.unknownRefused} of them refused outright), ${summary.appends.rejected} rejected`);
    // A valid append may go unanswered when its station dies, but it must never be refused.
    const rejected = [...attempts.values()].filter((a) => a.outcome === 'rejected');
    if (rejected.length) {
      const byStation = new Map<string, number>();
      for (const a of rejected) byStation.set(`${a.station} ${a.status}`, (byStation.get(`${a.station} ${a.status}`) ?? 0) + 1);
      fail(`${rejected.length} appends were refused (${[...byStation].map(([k, v]) => `${k}: ${v}`).join(', ')}), e.g. ${rejected[0].text}: ${rejected[0].status} ${rejected[0].error}`);
    }
    for (const n of nodes) {
      if (n.errors.length) log(`${n.name} logged ${n.errors.length}${n.errors.length >= 500 ? '+' : ''} errors; the first:\n${n.errors.slice(0, 3).map((l) => l.slice(0, 3000)).join('\n')}`);
    }

    // --- convergence -----------------------------------------------------
    // Polled with cheap requests only: a transcript request rebuilds the whole
    // transcript from every entry, which on a long line blocks the station for
    // long enough to make its heartbeats late.
    const duty = (n: Node) => n.dir.tokens.duty;
    let linkState: Record<string, string[]> = {};
    try {
      await until(async () => {
        linkState = {};
        for (const n of nodes) {
          linkState[n.name] = ((await getOk(n.url, duty(n), '/v1/links')).links as Array<{ peer: string; status: string }>).map((l) => `${l.peer}:${l.status}`).sort();
        }
        return nodes.every((n) => linkState[n.name].length === names.length - 1 && linkState[n.name].every((l) => l.endsWith(':up')));
      }, 'every link up again', options.convergeTimeoutMs ?? 60_000, 100);
      summary.linksUpMs = Date.now() - quiet;
      log(`every link up ${summary.linksUpMs} ms after the chaos stopped`);
    } catch (e) {
      fail(`${(e as Error).message}; link status seen from each station: ${JSON.stringify(linkState)}`);
    }
    type Sizes = Record<string, Record<string, number>>;
    let sizes: Sizes = {};
    let counts: Record<string, { total: number; pending: number }> = {};
    try {
      let previous = '';
      await until(async () => {
        sizes = {};
        for (const n of nodes) {
          sizes[n.name] = {};
          for (const p of names) sizes[n.name][p] = (await getOk(n.url, duty(n), `/v1/lines/${LINE}/logs/${p}/entries?limit=1`)).size;
        }
        if (!names.every((p) => nodes.every((n) => sizes[n.name][p] === sizes[p][p]))) {
          summary.convergeMs = null;
          previous = '';
          return false;
        }
        summary.convergeMs ??= Date.now() - quiet;
        const now = JSON.stringify(sizes);
        const stable = now === previous;
        previous = now;
        if (!stable) return false;
        // Every entry is in the transcript except the line's signed definition (entry 0 of the creator's log).
        const sum = names.reduce((k, p) => k + sizes[p][p], 0) - 1;
        counts = {};
        for (const n of nodes) {
          const t = await getOk(n.url, duty(n), `/v1/lines/${LINE}/transcript?limit=1`);
          counts[n.name] = { total: t.total, pending: t.pending };
        }
        return nodes.every((n) => counts[n.name].pending === 0 && counts[n.name].total === sum);
      }, 'every station to hold every log, checkpointed, with no entry pending', options.convergeTimeoutMs ?? 60_000, 250);
      log(`converged ${summary.convergeMs} ms after the chaos stopped`);
    } catch (e) {
      summary.convergeMs = null;
      fail(`${(e as Error).message}; checkpointed sizes held by each station: ${JSON.stringify(sizes)}; transcripts: ${JSON.stringify(counts)}`);
    }

    // --- the record, as every station holds it ---------------------------
    const readAll = async (n: Node, path: string, key: 'items' | 'entries') => {
      const out: EntryView[] = [];
      let start = 0;
      for (;;) {
        const page = await getOk(n.url, duty(n), `${path}${path.includes('?') ? '&' : '?'}start=${start}&limit=1000`);
        out.push(...(page[key] as EntryView[]));
        if (page.next === null || page.next === undefined) return { items: out, page };
        start = page.next;
      }
    };
    const logs = new Map<string, Map<string, { entries: EntryView[]; size: number }>>();
    for (const n of nodes) {
      const byParty = new Map<string, { entries: EntryView[]; size: number }>();
      for (const p of names) {
        const l = await readAll(n, `/v1/lines/${LINE}/logs/${p}/entries`, 'entries');
        byParty.set(p, { entries: l.items, size: l.page.size });
      }
      logs.set(n.name, byParty);
    }
    for (const p of names) summary.finalSizes[p] = logs.get(p)!.get(p)!.size;

    // (ii) Every station holds exactly each author's log.
    for (const author of names) {
      const truth = logs.get(author)!.get(author)!;
      truth.entries.forEach((e, i) => {
        if (e.seq !== i || e.party !== author) fail(`(ii) ${author}'s own log has ${e.party}/${e.seq} at position ${i}`);
      });
      if (truth.entries.length !== truth.size) fail(`(ii) ${author}'s own log lists ${truth.entries.length} entries but its checkpoint says ${truth.size}`);
      for (const n of nodes) {
        if (n.name === author) continue;
        const copy = logs.get(n.name)!.get(author)!;
        const differ = truth.entries.findIndex((e, i) => copy.entries[i]?.leafHash !== e.leafHash);
        if (copy.size !== truth.size || copy.entries.length !== truth.entries.length || differ !== -1) {
          fail(`(ii) ${n.name}'s copy of ${author}'s log: size ${copy.size} (${copy.entries.length} listed) vs ${truth.size}${differ !== -1 ? `, first differing leaf at ${differ}` : ''}`);
        }
      }
    }

    // (iii) Every acknowledged append is at its seq, once, on every station.
    let misplaced = 0;
    for (const a of attempts.values()) {
      if (a.outcome !== 'acknowledged') continue;
      for (const n of nodes) {
        const e = logs.get(n.name)!.get(a.station)!.entries[a.seq!];
        if (!e || e.body.text !== a.text) {
          if (misplaced++ < 5) fail(`(iii) acknowledged ${a.text} (${a.station} seq ${a.seq}) is not at its seq on ${n.name}: found ${e ? JSON.stringify(e.body.text ?? e.kind) : 'nothing'}`);
        }
      }
    }
    if (misplaced > 5) fail(`(iii) ${misplaced} acknowledged appends missing or misplaced in all`);

    // (iv) Each author's log = acknowledged + the unknown-outcome appends that were committed; no text twice.
    const seenTexts = new Map<string, string>();
    for (const author of names) {
      const entries = logs.get(author)!.get(author)!.entries;
      const stats = { attempted: 0, acknowledged: 0, unknown: 0, unknownCommitted: 0, rejected: 0, held: entries.length };
      for (const a of attempts.values()) {
        if (a.station !== author) continue;
        stats.attempted++;
        if (a.outcome === 'acknowledged') stats.acknowledged++;
        if (a.outcome === 'unknown') stats.unknown++;
        if (a.outcome === 'rejected') stats.rejected++;
      }
      let messages = 0;
      let otherKinds = 0;
      for (const e of entries) {
        if (e.kind !== 'message') {
          otherKinds++;
          continue;
        }
        messages++;
        const text = String(e.body.text);
        const where = `${author}/${e.seq}`;
        if (seenTexts.has(text)) fail(`(iv) "${text}" is stored twice: at ${seenTexts.get(text)} and ${where}`);
        seenTexts.set(text, where);
        const a = attempts.get(text);
        if (!a || a.station !== author) fail(`(iv) ${where} holds "${text}", which no writer of ${author} sent`);
        else if (a.outcome === 'unknown') {
          stats.unknownCommitted++;
          if (a.refused) fail(`(iv) "${text}" was refused at connection time but is stored at ${where}`);
        }
        else if (a.outcome === 'rejected') {
          summary.appends.rejectedCommitted++;
          fail(`(iv) "${text}" was answered ${a.status} but is stored at ${where}`);
        }
      }
      summary.appends.unknownCommitted += stats.unknownCommitted;
      summary.appends.byStation[author] = stats;
      if (otherKinds) log(`${author}'s log also holds ${otherKinds} entries of other kinds (line tests)`);
      if (messages !== stats.acknowledged + stats.unknownCommitted) {
        fail(`(iv) ${author}'s log holds ${messages} messages, but ${stats.acknowledged} were acknowledged and ${stats.unknownCommitted} of the unknown-outcome ones are stored`);
      }
    }
    log(`records: ${JSON.stringify(summary.appends.byStation)}`);

    // No station may have found evidence of a second history.
    for (const n of nodes) {
      const ev = (await getOk(n.url, n.dir.tokens.root, '/v1/evidence')).evidence as unknown[];
      if (ev.length) fail(`${n.name} holds ${ev.length} pieces of equivocation evidence: ${JSON.stringify(ev[0]).slice(0, 400)}`);
    }

    // (v) hotline verify, against every station, with every party's key pinned.
    const keys = nodes.flatMap((n) => ['--key', n.dir.identity.vkey]);
    for (const n of nodes) {
      const r = await cli(['verify', '--line', LINE, '--url', n.url, '--token', duty(n), ...keys]);
      summary.verify[n.name] = r.code;
      if (r.code !== 0) fail(`(v) hotline verify against ${n.name} exited ${r.code}: ${(r.stderr || r.stdout).slice(-600)}`);
    }

    // (vi) Every entry is eventually receipted by both other parties, on every station:
    // wait on the receipts themselves (cheap), then read the transcripts once.
    const receiptsFrom = Date.now();
    const receiptSizes = async () => {
      const out: Array<{ station: string; author: string; cosigner: string; size: number }> = [];
      for (const n of nodes) {
        for (const author of names) {
          const held = new Map<string, number>(names.filter((p) => p !== author).map((p) => [p, 0]));
          for (const c of (await getOk(n.url, duty(n), `/v1/lines/${LINE}/logs/${author}/cosignatures`)).cosignatures as Array<{ cosigner: string; size: number }>) {
            if (held.has(c.cosigner)) held.set(c.cosigner, Math.max(held.get(c.cosigner)!, c.size));
          }
          for (const [cosigner, size] of held) out.push({ station: n.name, author, cosigner, size });
        }
      }
      return out;
    };
    let lagging: Awaited<ReturnType<typeof receiptSizes>> = [];
    try {
      await until(async () => (lagging = (await receiptSizes()).filter((r) => r.size < summary.finalSizes[r.author])).length === 0, 'receipts', options.receiptTimeoutMs ?? 30_000, 250);
      summary.receiptsMs = Date.now() - receiptsFrom;
    } catch {
      // Reported below, from the transcripts.
    }
    const transcripts = new Map<string, EntryView[]>();
    for (const n of nodes) transcripts.set(n.name, (await readAll(n, `/v1/lines/${LINE}/transcript`, 'items')).items);
    summary.transcriptTotal = transcripts.get(names[0])!.length;
    const unreceipted: string[] = [];
    for (const n of nodes) {
      const byAuthor = new Map<string, { count: number; first: number }>();
      for (const i of transcripts.get(n.name)!) {
        if (names.every((p) => p === i.party || i.deliveredTo?.includes(p))) continue;
        const b = byAuthor.get(i.party) ?? { count: 0, first: i.seq };
        b.count++;
        b.first = Math.min(b.first, i.seq);
        byAuthor.set(i.party, b);
      }
      for (const [author, b] of byAuthor) unreceipted.push(`on ${n.name}, ${b.count} of ${author}'s entries (from seq ${b.first})`);
    }
    if (lagging.length || unreceipted.length) {
      summary.receiptsMs = null;
      fail(`(vi) entries still not receipted by both other parties ${Date.now() - receiptsFrom} ms after convergence: ${unreceipted.join('; ')}` +
        `\n      latest receipts held: ${lagging.map((r) => `${r.station} holds ${r.cosigner}'s receipt on ${r.author}'s log at ${r.size} of ${summary.finalSizes[r.author]}`).join('; ')}`);
    } else {
      log(`every entry receipted by both other parties on every station ${summary.receiptsMs} ms after convergence`);
    }

    // (i) One transcript, the same on every station.
    const strip = (items: EntryView[]) => items.map((i) => `${i.party}/${i.seq}/${i.leafHash}`);
    const reference = strip(transcripts.get(names[0])!);
    // Every entry but the line's signed definition (entry 0 of the creator's log) is a transcript item.
    if (reference.length !== names.reduce((k, p) => k + summary.finalSizes[p], 0) - 1) {
      fail(`(i) ${names[0]}'s transcript has ${reference.length} items but the logs hold ${JSON.stringify(summary.finalSizes)}`);
    }
    for (const n of nodes.slice(1)) {
      const other = strip(transcripts.get(n.name)!);
      const at = reference.findIndex((x, i) => x !== other[i]);
      if (other.length !== reference.length || at !== -1) {
        fail(`(i) ${n.name}'s transcript differs from ${names[0]}'s: ${other.length} vs ${reference.length} items, first difference at ${at === -1 ? Math.min(other.length, reference.length) : at} (${other[at]} vs ${reference[at]})`);
      }
    }

    for (const c of crashes) fail(`a station crashed: ${c}`);
  } catch (e) {
    fail(`scenario aborted: ${(e as Error).stack ?? e}`);
  } finally {
    chaosStop = true;
    writersStop = true;
    for (const n of nodes) n.stopping = true; // exits from here on are the teardown's
    if (failures.length) {
      for (const n of nodes) {
        const out = [...n.history, n.proc?.output() ?? ''].join('\n');
        const notable = out.split('\n').filter((l) => /"level":(50|60)|equivocation|refused an entry|link message failed|link open failed|Error/.test(l));
        if (notable.length) log(`${n.name}: ${notable.length} notable log lines, last ones:\n${notable.slice(-15).join('\n')}`);
      }
    }
    if (own) await res.dispose();
  }
  if (failures.length) throw new FaultScenarioError(summary);
  return summary;
}
