import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { api, makeStationDir, startStation, tlsFor, type StationDir, type StationProcess } from '../test/support/station.ts';
import { summarize } from './stats.ts';
import { broadcastServer, broadcastServerProcess } from './ws-broadcast.ts';
import { writeMessagesProcess } from './fanout-writer.ts';

// One station process, `consoles` WebSocket consoles on its /v1/events (all
// in this process), and a few writers appending messages to the line they
// all follow: events delivered per second across the consoles, and how far
// behind the append's answer each console hears of the entry.

const ENTRY = Buffer.from('{"type":"entry",');
const ID = Buffer.from('"id":"');

/** What the consoles of one run heard. Entry events are timed by their seq; the rest only counted. */
class Tally {
  count = 0;
  entries = 0;
  first = 0;
  last = 0;
  seqs: number[] = [];
  ats: number[] = [];
  closed = 0;
  samples = new Map<string, string>();
  keepSamples = false;
  /** Called as the first event after a reset is heard. */
  onFirst?: () => void;

  reset() {
    this.count = this.entries = this.first = this.last = 0;
    this.seqs = [];
    this.ats = [];
  }

  heard(data: Buffer) {
    const at = performance.timeOrigin + performance.now();
    if (this.count++ === 0) {
      this.first = at;
      this.onFirst?.();
    }
    this.last = at;
    if (data.length > ENTRY.length && data.compare(ENTRY, 0, ENTRY.length, 0, ENTRY.length) === 0) {
      this.entries++;
      // {"type":"entry","line":"…","entry":{"id":"Party:seq",…
      const i = data.indexOf(ID, ENTRY.length);
      const end = data.indexOf(34, i + ID.length); // "
      let seq = 0;
      let j = end - 1;
      for (let mul = 1; j > i && data[j] !== 58; j--, mul *= 10) seq += (data[j] - 48) * mul; // up to ':'
      this.seqs.push(seq);
      this.ats.push(at);
    }
    if (this.keepSamples) {
      const text = data.toString();
      const type = /^\{"type":"([^"]+)"/.exec(text)?.[1] ?? '?';
      if (!this.samples.has(type)) this.samples.set(type, text);
    }
  }
}

async function connectConsoles(url: string, tokens: string[], count: number, tally: Tally, headers = true): Promise<WebSocket[]> {
  const consoles: WebSocket[] = [];
  for (let done = 0; done < count; done += 50) {
    await Promise.all([...Array(Math.min(50, count - done))].map((_, k) => new Promise<void>((resolve, reject) => {
      const token = tokens[(done + k) % tokens.length];
      const ws = new WebSocket(url, { headers: headers ? { authorization: `Bearer ${token}` } : {}, perMessageDeflate: false, ...tlsFor(url) });
      consoles.push(ws);
      ws.on('message', (data: Buffer) => tally.heard(data));
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`event stream refused: ${res.statusCode}`)));
      ws.once('close', () => tally.closed++);
    })));
  }
  return consoles;
}

/** CPU time (user + system) a process has used, in ms, from /proc. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}

const benchCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Waits until `done()` and nothing new is heard for 300 ms, or nothing at all for `quietMs`. */
async function drain(tally: Tally, done: () => boolean, quietMs = 3000, capMs = 60_000) {
  const until = performance.now() + capMs;
  let seen = -1;
  let since = performance.now();
  while (performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    if (tally.count !== seen) {
      seen = tally.count;
      since = performance.now();
    } else if (performance.now() - since > (done() ? 300 : quietMs)) break;
  }
}

export interface FanoutResult {
  consoles: number;
  /** Events delivered per second, summed over every console. */
  deliveriesPerS: number;
  entryDeliveriesPerS: number;
  appendsPerS: number;
  appended: number;
  /** Events each console heard per appended message. */
  eventsPerAppend: number;
  /** A console hearing of an entry, after the writer had the append's answer: ms. */
  lagP50: number;
  lagP99: number;
  /** Share of the run's wall time, in cores. */
  benchCpu: number;
  stationCpu: number;
  /** The writers' process, over their own run. */
  writerCpu: number;
  /** Consoles the station closed during the run (too slow). */
  dropped: number;
  /** Entry deliveries that never came. */
  missing: number;
  /** One event text of each type the consoles heard, for the floor. */
  samples: Record<string, string>;
}

export async function fanout(options: { consoles?: number; members?: number; writers?: number; ms?: number } = {}): Promise<FanoutResult> {
  const count = options.consoles ?? 1000;
  const memberCount = options.members ?? 10;
  const writers = options.writers ?? 4;
  const ms = options.ms ?? 5000;
  const readers = [...Array(memberCount)].map((_, i) => `watch${i}`);
  let s: StationDir | undefined;
  let station: StationProcess | undefined;
  let consoles: WebSocket[] = [];
  const tally = new Tally();
  try {
    s = await makeStationDir('Fan', { root: 'admin', writer: 'duty_officer', ...Object.fromEntries(readers.map((r) => [r, 'duty_officer'])) });
    const path = join(s.dir, 'hotline.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    // Every console here comes from 127.0.0.1, where a real watch floor's come from many machines.
    writeFileSync(path, JSON.stringify({ ...config, lineTestMinutes: 0, apiLimits: { ...config.apiLimits, maxConnectionsPerAddress: 4096, maxConnections: 8192 } }, null, 2));
    station = await startStation(s.dir);
    const line = await api(station.url, s.tokens.root, 'POST', '/v1/lines', { id: 'fan', title: 'Fan-out', parties: [], members: ['writer', ...readers] });
    if (line.status !== 201) throw new Error(`creating the line: ${line.text}`);
    consoles = await connectConsoles(`${station.url.replace(/^http/, 'ws')}/v1/events`, readers.map((r) => s!.tokens[r]), count, tally);

    // Warm-up: every console hears a few messages (and one of each event text is kept for the floor).
    tally.keepSamples = true;
    for (let i = 0; i < 20; i++) {
      const r = await api(station.url, s.tokens.writer, 'POST', '/v1/lines/fan/messages', { text: `Warm-up message ${i}: position report unchanged.` });
      if (r.status !== 201) throw new Error(`append failed: ${r.text}`);
    }
    await drain(tally, () => tally.entries >= 20 * count);
    tally.keepSamples = false;
    if (tally.entries < 20 * count) throw new Error(`warm-up: consoles heard ${tally.entries} of ${20 * count} entry events`);
    tally.reset();

    // CPU is counted from the first event of the run to the last.
    const pid = station.proc.pid!;
    let cpu0 = 0;
    let station0 = 0;
    tally.onFirst = () => {
      cpu0 = benchCpuMs();
      station0 = processCpuMs(pid);
    };
    const writes = await writeMessagesProcess(station.url, s.tokens.writer, 'fan', writers, ms, 'Routine line traffic: position report unchanged.', tlsFor(station.url).ca);
    await drain(tally, () => tally.entries >= writes.count * count);
    const wall = tally.last - tally.first;
    const cpu = benchCpuMs() - cpu0;
    const stationCpu = processCpuMs(pid) - station0;
    const respAt = new Map(writes.seqs.map((seq, i) => [seq, writes.at[i]]));
    const appended = writes.count;

    const lags: number[] = [];
    for (let i = 0; i < tally.seqs.length; i++) {
      const at = respAt.get(tally.seqs[i]);
      if (at !== undefined) lags.push(tally.ats[i] - at);
    }
    const lag = summarize(lags);
    return {
      consoles: count,
      deliveriesPerS: (tally.count * 1000) / wall,
      entryDeliveriesPerS: (tally.entries * 1000) / wall,
      appendsPerS: (appended * 1000) / writes.ms,
      appended,
      eventsPerAppend: tally.count / (appended * count),
      lagP50: lag.p50,
      lagP99: lag.p99,
      benchCpu: cpu / wall,
      stationCpu: stationCpu / wall,
      writerCpu: writes.cpuMs / writes.ms,
      dropped: tally.closed,
      missing: appended * count - tally.entries,
      samples: Object.fromEntries([...tally.samples].filter(([type]) => type !== 'hello')),
    };
  } finally {
    for (const ws of consoles) ws.terminate();
    if (station) {
      // A station with consoles still connected does not exit on SIGTERM; they are gone, but do not wait forever.
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([station.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
      clearTimeout(timer);
      if (!stopped) await station.kill();
    }
    s?.cleanup();
  }
}

/**
 * The texts the floor broadcasts: the entry and message events the station
 * sent in the run, or (if it failed) texts of the same shape.
 */
export function sampleEventTexts(samples?: Record<string, string>): string[] {
  const texts = ['entry', 'message'].map((t) => samples?.[t]).filter((t): t is string => t !== undefined);
  if (texts.length === 2) return texts;
  const time = Date.now();
  const body = { text: 'Routine line traffic: position report unchanged.' };
  return [
    JSON.stringify({ type: 'entry', line: 'fan', entry: { id: 'Fan:1', party: 'Fan', seq: 1, time, kind: 'message', body } }),
    JSON.stringify({ type: 'message', line: 'fan', message: { id: 'Fan:1', party: 'Fan', seq: 1, time, by: 'writer', ...body, precedence: 'routine', lang: null, status: 'sent', deliveredTo: [], acknowledgements: [], translations: [], escalations: [] } }),
  ];
}

export interface BroadcastFloor {
  /** Frames received per second, summed over every client. */
  deliveriesPerS: number;
  benchCpu: number;
  serverCpu: number;
}

/**
 * The machine's fan-out floor: a bare ws server (its own process unless
 * `inProcess`) sends the station's event texts round after round to `count`
 * clients in this process, which hear them exactly as the consoles above do.
 */
export async function broadcastFloor(texts: string[], count = 1000, ms = 3000, inProcess = false): Promise<BroadcastFloor> {
  const tally = new Tally();
  const server = inProcess ? await broadcastServer(texts) : await broadcastServerProcess(texts);
  let clients: WebSocket[] = [];
  try {
    clients = await connectConsoles(`ws://127.0.0.1:${server.port}`, [], count, tally, false);
    await new Promise((r) => setTimeout(r, 200));
    tally.reset();
    const cpu0 = benchCpuMs();
    const t0 = performance.timeOrigin + performance.now();
    let serverCpuMs: number;
    let sent: number;
    if (inProcess) {
      sent = await (server as Awaited<ReturnType<typeof broadcastServer>>).run(ms);
      serverCpuMs = NaN;
    } else {
      const r = await (server as Awaited<ReturnType<typeof broadcastServerProcess>>).run(ms);
      sent = r.sent;
      serverCpuMs = r.cpuMs;
    }
    await drain(tally, () => tally.count >= sent, 1000);
    const wall = tally.last - t0;
    const cpu = benchCpuMs() - cpu0;
    return { deliveriesPerS: (tally.count * 1000) / wall, benchCpu: cpu / wall, serverCpu: serverCpuMs / wall };
  } finally {
    for (const c of clients) c.terminate();
    server.close();
  }
}
