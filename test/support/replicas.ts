import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { call, until as harnessUntil } from './fault-harness.ts';
import { BIN, makeStationDir, tlsFor, trustStation, type StationDir } from './station.ts';
import { TcpProxy } from './tcp-proxy.ts';

// Several `hotline serve` processes of one station on one PostgreSQL
// database, as they run on several machines: each replica has a directory of
// its own holding the same key, certificate and config, a fixed pair of
// loopback ports (its peers pin its link address, so it must come back on the
// same one), and reaches the database through a TCP proxy of its own, so a
// test can cut one replica's database connection and leave the others'.

export interface ReplicaView {
  id: string;
  role: 'leader' | 'follower' | 'single';
  leader: { id: string; url: string } | null;
  epoch: number | null;
}

/** Everything a replica test starts, torn down even when the test fails or times out. */
export class ReplicaResources {
  readonly processes = new Set<ChildProcess>();
  readonly proxies = new Set<TcpProxy>();
  /** Run last to first: directories, databases. */
  readonly cleanups: Array<() => unknown> = [];
  private disposed = false;
  /** True from the start of dispose(): exits from then on are the teardown's, not crashes. */
  get disposing(): boolean {
    return this.disposed;
  }
  private readonly onExit = () => {
    for (const p of this.processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  };

  constructor() {
    process.once('exit', this.onExit);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.onExit);
    // SIGKILL ends a stopped (SIGSTOP) process too.
    await Promise.all([...this.processes].map((p) => killed(p)));
    // Each step is bounded: a teardown that hangs would keep the test process alive for ever.
    await Promise.all([...this.proxies].map((p) => bounded(p.close())));
    for (const c of this.cleanups.reverse()) await bounded(Promise.resolve().then(c));
    this.processes.clear();
    this.proxies.clear();
  }
}

/** Waits for a teardown step, for at most `ms`; its failure is ignored (the rest must still be cleaned up). */
async function bounded(step: Promise<unknown>, ms = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([step.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function killed(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGKILL');
  return exited;
}

/**
 * A loopback port that is free now and outside the range the system hands
 * out for outgoing connections: a replica's port is unbound while it is
 * down and must not be taken meanwhile by one of the test's own connections.
 */
export async function steadyPort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // Keep the usual Linux default.
  }
  for (let i = 0; i < 100; i++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1000, low - 11_000));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free loopback port below the ephemeral range');
}

export { call };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it gives a value (the fault harness's, polled more often: takeovers are timed by it). */
export const until = <T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs: number, everyMs = 50): Promise<T> =>
  harnessUntil(check, what, timeoutMs, everyMs);


export async function getOk(url: string, token: string | undefined, path: string, timeoutMs = 10_000): Promise<any> {
  const r = await call(url, token, 'GET', path, undefined, timeoutMs);
  if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  return r.json;
}

export interface Replica {
  /** Position in the set, and the label used in logs. */
  index: number;
  label: string;
  dir: string;
  apiPort: number;
  peerPort: number;
  url: string;
  /** Where peers dial this replica's links: fixed for its life. */
  linkUrl: string;
  /** This replica's own path to PostgreSQL (none when the set connects directly). */
  db?: TcpProxy;
  proc?: ChildProcess;
  /** 'paused' between SIGSTOP and SIGCONT. */
  state: 'down' | 'starting' | 'up' | 'paused';
  /** Output of the running incarnation. */
  output: string;
  /** Output tails of earlier incarnations, for post-mortems. */
  history: string[];
  /** Set while the test itself ends the process, so its exit is not taken for a crash. */
  stopping: boolean;
}

export interface ReplicaSetOptions {
  name: string;
  /** Members (name → role), each with a token (same on every replica: one database). */
  members: Record<string, string>;
  /** The station's PostgreSQL database (a postgresql:// URL); each replica reaches it through its own proxy. */
  database: string;
  count?: number;
  leaseMs?: number;
  /** Merged into every replica's hotline.json. */
  config?: Record<string, unknown>;
  resources: ReplicaResources;
  log?: (line: string) => void;
  /** Connect straight to the database, without a cuttable proxy (for throughput figures). */
  direct?: boolean;
}

/** Thrown when a replica being waited for is found not running. */
export class ReplicaDown extends Error {}

/** Replicas of one station on PostgreSQL, started as real processes on fixed loopback ports. */
export class ReplicaSet {
  /** Unexpected exits: a replica that ended by itself. */
  readonly crashes: string[] = [];

  private constructor(
    readonly station: StationDir,
    readonly replicas: Replica[],
    private readonly resources: ReplicaResources,
    private readonly log: (line: string) => void,
  ) {}

  static async create(options: ReplicaSetOptions): Promise<ReplicaSet> {
    const { resources } = options;
    const log = options.log ?? (() => undefined);
    const station = await makeStationDir(options.name, options.members, { database: options.database });
    resources.cleanups.push(() => station.cleanup());
    const db = new URL(options.database);
    const replicas: Replica[] = [];
    for (let index = 0; index < (options.count ?? 3); index++) {
      const dir = index === 0 ? station.dir : mkdtempSync(join(tmpdir(), `hotline-${options.name}-r${index}-`));
      if (index > 0) {
        cpSync(station.dir, dir, { recursive: true });
        resources.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      }
      const proxy = options.direct ? undefined : await TcpProxy.start(Number(db.port || 5432), { targetHost: db.hostname === 'localhost' ? '127.0.0.1' : db.hostname });
      if (proxy) resources.proxies.add(proxy);
      const viaProxy = new URL(options.database);
      if (proxy) {
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
      }
      const apiPort = await steadyPort();
      const peerPort = await steadyPort();
      const url = `https://127.0.0.1:${apiPort}`;
      const path = join(dir, 'hotline.json');
      const config = JSON.parse(readFileSync(path, 'utf8'));
      Object.assign(config, {
        listen: `127.0.0.1:${apiPort}`,
        peerListen: `127.0.0.1:${peerPort}`,
        database: viaProxy.toString(),
        ...options.config,
        replica: { ...config.replica, leaseMs: options.leaseMs ?? 2000, advertise: url, ...(options.config?.replica as object | undefined) },
      });
      writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
      replicas.push({
        index, label: `${options.name}.r${index}`, dir, apiPort, peerPort, url, linkUrl: `wss://127.0.0.1:${peerPort}/link`,
        db: proxy, state: 'down', output: '', history: [], stopping: false,
      });
    }
    return new ReplicaSet(station, replicas, resources, log);
  }

  get tokens(): Record<string, string> {
    return this.station.tokens;
  }

  /** Starts a replica's process and waits until it answers; it may come up as leader or follower. */
  async start(r: Replica, timeoutMs = 20_000): Promise<void> {
    if (r.proc) throw new Error(`${r.label} is already running`);
    r.state = 'starting';
    r.stopping = false;
    r.output = '';
    const proc = spawn(process.execPath, [BIN, 'serve', '--dir', r.dir, '--listen', `127.0.0.1:${r.apiPort}`, '--peer-listen', `127.0.0.1:${r.peerPort}`, '--log-level', process.env.HOTLINE_TEST_LOG_LEVEL ?? 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    r.proc = proc;
    this.resources.processes.add(proc);
    const collect = (chunk: Buffer) => {
      r.output += chunk.toString();
      if (r.output.length > 400_000) r.output = r.output.slice(-200_000);
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    proc.once('exit', (code, signal) => {
      this.resources.processes.delete(proc);
      r.history.push(r.output.slice(-20_000));
      if (r.proc === proc) {
        r.proc = undefined;
        r.state = 'down';
      }
      if (!r.stopping && !this.resources.disposing) {
        const msg = `${r.label} exited by itself (code ${code}, signal ${signal}):\n${r.output.slice(-4000)}`;
        this.crashes.push(msg);
        this.log(`CRASH: ${msg}`);
      }
    });
    try {
      await until(async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${r.label} exited while starting:\n${r.output.slice(-4000)}`);
        return /listening on https?:\/\//.test(r.output);
      }, `${r.label} listening`, timeoutMs).catch((e) => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${r.label} exited while starting:\n${r.output.slice(-4000)}`);
        throw e;
      });
      trustStation(r.url, r.dir);
      await until(async () => (await call(r.url, undefined, 'GET', '/healthz', undefined, 2000)).status === 200, `${r.label} answering /healthz`, timeoutMs);
      r.state = 'up';
    } catch (e) {
      r.stopping = true;
      await killed(proc);
      throw e;
    }
  }

  /** SIGKILL: a crash of the replica's machine. */
  async kill(r: Replica): Promise<void> {
    if (!r.proc) return;
    r.stopping = true;
    await killed(r.proc);
    r.state = 'down';
  }

  /** SIGSTOP: a replica that stops answering (a stalled VM, a long GC pause) but keeps its sockets. */
  pause(r: Replica): void {
    if (!r.proc) throw new Error(`${r.label} is not running`);
    r.proc.kill('SIGSTOP');
    r.state = 'paused';
  }

  resume(r: Replica): void {
    if (!r.proc) throw new Error(`${r.label} is not running`);
    r.proc.kill('SIGCONT');
    r.state = 'up';
  }

  /** What a replica says of itself (GET /v1/station → replica), or undefined when it does not answer. */
  async view(r: Replica, timeoutMs = 1500): Promise<ReplicaView | undefined> {
    if (r.state !== 'up') return undefined;
    try {
      const s = await getOk(r.url, undefined, '/v1/station', timeoutMs);
      return s.replica as ReplicaView | undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether a replica says it is ready for traffic (/readyz: 200). */
  async ready(r: Replica, timeoutMs = 1500): Promise<boolean> {
    if (r.state !== 'up') return false;
    try {
      return (await call(r.url, undefined, 'GET', '/readyz', undefined, timeoutMs)).status === 200;
    } catch {
      return false;
    }
  }

  /**
   * The replica that leads, once exactly one running replica says it leads
   * and every other answering replica names it as leader; `not` excludes a
   * replica (one just killed or cut off) from being taken for the leader.
   */
  async leader(timeoutMs = 15_000, not?: Replica): Promise<{ replica: Replica; view: ReplicaView }> {
    let seen = '';
    try {
      return await until(async () => {
        const views = await Promise.all(this.replicas.map(async (r) => ({ r, v: await this.view(r) })));
        seen = views.map(({ r, v }) => `${r.label}:${r.state}:${v ? `${v.id}/${v.role}/leader=${v.leader?.id}/epoch=${v.epoch}` : '-'}`).join(' ');
        const leaders = views.filter(({ r, v }) => v?.role === 'leader' && r !== not);
        if (leaders.length !== 1) return false;
        const [{ r, v }] = leaders;
        if (!views.every(({ r: o, v: ov }) => o === r || !ov || o === not || ov.leader?.id === v!.id)) return false;
        return { replica: r, view: v! };
      }, 'one leader', timeoutMs, 50);
    } catch (e) {
      throw new Error(`${(e as Error).message}; replicas said: ${seen}`);
    }
  }

  /** A replica, once running, ready and following `leader`. */
  async following(r: Replica, leader: ReplicaView, timeoutMs = 15_000): Promise<ReplicaView> {
    let last: ReplicaView | undefined;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // A replica that died meanwhile will not follow anyone: say so at once.
      if (r.state === 'down') throw new ReplicaDown(`${r.label} is not running (it exited) while waiting for it to follow ${leader.id}`);
      last = await this.view(r);
      if (last && last.role === 'follower' && last.leader?.id === leader.id && (await this.ready(r))) return last;
      await sleep(50);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${r.label} to follow ${leader.id}; it said: ${JSON.stringify(last)}`);
  }

  /** Lines worth reading after a failure: errors and the replica's own account of its lease. */
  notable(r: Replica, max = 20): string[] {
    const out = [...r.history, r.output].join('\n');
    return out.split('\n').filter((l) => /"level":(50|60)|lease|leader|epoch|fenc|equivocation|Error/i.test(l)).slice(-max);
  }
}

/** A console on a live event stream: every entry event it hears, with the time it heard it. */
export interface ConsoleSession {
  label: string;
  openedAt: number;
  closedAt?: number;
  /** Why it ended: 'end' when the test closed it, otherwise the close code or error. */
  ended?: string;
  /** Entry ids ('Party:seq') → time heard (performance.timeOrigin-based ms). */
  entries: Map<string, number>;
  /** Message texts → entry id. */
  texts: Map<string, string>;
  close(): void;
}

/** Opens a console's WebSocket on `url`/v1/events and records what it hears until it closes. */
export async function openConsole(url: string, token: string, label: string): Promise<ConsoleSession> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, ...tlsFor(url) });
  const session: ConsoleSession = {
    label, openedAt: 0, entries: new Map(), texts: new Map(),
    close: () => {
      if (!session.ended) {
        session.ended = 'end';
        session.closedAt = Date.now();
      }
      ws.terminate();
    },
  };
  ws.on('message', (data) => {
    const at = Date.now();
    let e: any;
    try {
      e = JSON.parse(String(data));
    } catch {
      return;
    }
    if (e.type !== 'entry' || !e.entry) return;
    const id = `${e.entry.party}:${e.entry.seq}`;
    if (!session.entries.has(id)) session.entries.set(id, at);
    if (e.entry.kind === 'message' && typeof e.entry.body?.text === 'string') session.texts.set(e.entry.body.text, id);
  });
  const hello = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no hello on the event stream at ${label} within 10 s`));
    }, 10_000);
    ws.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    const failed = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    ws.once('error', failed);
    ws.once('close', (code) => failed(new Error(`event stream at ${label} closed (${code}) before its hello`)));
    ws.once('unexpected-response', (_req, res) => failed(new Error(`event stream refused at ${label}: ${res.statusCode}`)));
  });
  ws.on('close', (code) => {
    if (!session.ended) {
      session.ended = `closed ${code}`;
      session.closedAt = Date.now();
    }
  });
  ws.on('error', (err) => {
    if (!session.ended) {
      session.ended = `error ${err.message}`;
      session.closedAt = Date.now();
    }
  });
  // Open once the station has said hello: from then on it sends what it hears.
  await hello;
  session.openedAt = Date.now();
  return session;
}

/**
 * A console that stays on one station's event stream as a duty officer's
 * browser does: whenever the station is running and ready and the stream is
 * not open, it opens it again. Each connection is one session.
 */
export class ConsoleWatch {
  readonly sessions: ConsoleSession[] = [];
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    readonly label: string,
    private readonly url: string,
    private readonly token: string,
    /** Whether the station is ready for a console now (running, not paused, /readyz). */
    private readonly ready: () => Promise<boolean>,
    /** What a console fetches before it listens (the line's transcript, say). */
    private readonly prepare: () => Promise<unknown> = async () => undefined,
  ) {}

  get current(): ConsoleSession | undefined {
    const s = this.sessions.at(-1);
    return s && !s.ended ? s : undefined;
  }

  /** Opens the first session (throws if it cannot) and keeps one open from then on. */
  async start(): Promise<void> {
    await until(() => this.ready(), `${this.label} ready for a console`, 20_000);
    await this.prepare();
    this.sessions.push(await openConsole(this.url, this.token, `${this.label}/${this.sessions.length}`));
    this.loop = (async () => {
      while (!this.stopped) {
        await sleep(100);
        if (this.stopped || this.current) continue;
        try {
          if (!(await this.ready())) continue;
          await this.prepare();
          if (this.stopped) break;
          const session = await openConsole(this.url, this.token, `${this.label}/${this.sessions.length}`);
          this.sessions.push(session);
          // stop() may have come while it was opening.
          if (this.isStopped()) session.close();
        } catch {
          // Not back yet: try again.
        }
      }
    })();
  }

  /** Waits until the session open now (if any) has been open for a moment, so that it is on the stream. */
  async settled(timeoutMs = 20_000): Promise<ConsoleSession> {
    return until(async () => {
      const s = this.current;
      return s && Date.now() - s.openedAt > 200 ? s : undefined;
    }, `${this.label}'s console open`, timeoutMs);
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.current?.close();
  }
}
