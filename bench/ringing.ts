import WebSocket from 'ws';
import { Pool } from 'undici';
import { linkedStations, shareLine } from '../test/support/linked.ts';
import { tlsFor } from '../test/support/station.ts';
import { summarize } from './stats.ts';

// Call request at A → call.ringing on a console of B: two real station
// processes, pinned and linked; the console (a WebSocket on B's
// /v1/events) and the caller (HTTP to A) are both in this process, so both
// ends of the interval are read from one clock.

interface StreamEvent {
  at: number;
  event: any;
}

/** A console on the live event stream that timestamps every event on arrival. */
async function openConsole(url: string, token: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, ...tlsFor(url) });
  const waiters = new Set<{ pred: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }>();
  const seen: StreamEvent[] = [];
  ws.on('message', (data) => {
    const at = performance.now();
    const e = { at, event: JSON.parse(String(data)) };
    for (const w of waiters) {
      if (w.pred(e)) {
        waiters.delete(w);
        w.resolve(e);
        return;
      }
    }
    seen.push(e);
    if (seen.length > 1000) seen.splice(0, seen.length - 1000);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`event stream refused: ${res.statusCode}`)));
  });
  return {
    /** The first event (already heard or still to come) matching pred. */
    waitFor(pred: (e: any) => boolean, what: string, ms = 15_000): Promise<StreamEvent> {
      const i = seen.findIndex((e) => pred(e.event));
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const w = { pred: (e: StreamEvent) => pred(e.event), resolve: (e: StreamEvent) => { clearTimeout(timer); resolve(e); } };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
        }, ms);
        waiters.add(w);
      });
    },
    close: () => ws.terminate(),
  };
}

export interface RingingResult {
  p50: number;
  p99: number;
  n: number;
  /** POST /calls answered by A (the request is on A's disk): p50, ms. */
  placedP50: number;
}

/** `count` sequential calls A → B after `warmup`, each cancelled (and the cancel seen at B) before the next. */
export async function ringingLatency(count = 200, warmup = 10): Promise<RingingResult> {
  const { stations, stop } = await linkedStations(['Alpha', 'Bravo'], { chief: 'principal', duty: 'duty_officer' }, { lineTestMinutes: 0 });
  let pool: Pool | undefined;
  let console_: Awaited<ReturnType<typeof openConsole>> | undefined;
  try {
    const [a, b] = stations;
    const line = await shareLine(a, [b], 'ring', ['chief', 'duty']);
    // As a console does on opening: fetch the line's calls. This also loads B's
    // state of the line; until it is loaded (the scheduler's next pass, <= 1 s),
    // entries B receives on it raise no live events at all.
    const calls = await b.as('duty', 'GET', `/v1/lines/${line}/calls`);
    if (calls.status !== 200) throw new Error(`calls at Bravo: ${calls.text}`);
    console_ = await openConsole(b.proc.url, b.tokens.duty);
    pool = new Pool(a.proc.url, { connections: 1, pipelining: 1, connect: tlsFor(a.proc.url) });
    const post = async (path: string) => {
      const res = await pool!.request({ path, method: 'POST', headers: { authorization: `Bearer ${a.tokens.chief}`, 'content-type': 'application/json' }, body: '{}' });
      const text = await res.body.text();
      if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${text}`);
      return JSON.parse(text) as { id: string };
    };
    const latencies: number[] = [];
    const placed: number[] = [];
    for (let i = 0; i < warmup + count; i++) {
      const t = performance.now();
      const { id } = await post(`/v1/lines/${line}/calls`);
      const answered = performance.now();
      const ringing = await console_.waitFor((e) => e.type === 'call.ringing' && e.call?.id === id, `call.ringing ${id} at Bravo`);
      if (i >= warmup) {
        latencies.push(ringing.at - t);
        placed.push(answered - t);
      }
      await post(`/v1/lines/${line}/calls/${encodeURIComponent(id)}/cancel`);
      // The next call starts on a quiet link: the cancel has reached B.
      await console_.waitFor((e) => e.type === 'call' && e.call?.id === id && e.call.status === 'cancelled', `cancel of ${id} at Bravo`);
    }
    return { ...summarize(latencies), placedP50: summarize(placed).p50 };
  } finally {
    console_?.close();
    await pool?.close().catch(() => undefined);
    await stopLinked(stations, stop);
  }
}

/**
 * Stops linked stations; a station that does not exit on SIGTERM in time
 * (one with a console still connected does not) is killed.
 */
export async function stopLinked(stations: Array<{ proc: { kill(): Promise<void> }; dir: { cleanup(): void } }>, stop: () => Promise<void>, ms = 15_000) {
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  clearTimeout(timer);
  if (stopped) return;
  for (const s of stations) await s.proc.kill();
  for (const s of stations) s.dir.cleanup();
}
