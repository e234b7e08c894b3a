import { createServer as createHttpsServer } from 'node:https';
import WebSocket, { WebSocketServer } from 'ws';
import { generate } from 'selfsigned';
import { api, configure, eventually, freePort, makeStationDir, startStation, trustStation } from '../test/support/station.ts';
import { serve, type Serving } from '../src/station/serve.ts';
import { summarize } from './stats.ts';
import { silentProxy } from './proxy.ts';
import { receiptClock } from './receipts.ts';

// Station-to-station figures. Station A runs inside this process (so its
// events can be timed without a polling client); station B is a separate
// process, as a peer is.

/** Round trip of a small message over a TLS WebSocket on loopback: the transport floor. */
export async function wssRoundTrip(count = 2000) {
  const pems = await generate([{ name: 'commonName', value: 'bench' }], { keyType: 'ec', curve: 'P-256' });
  const server = createHttpsServer({ key: pems.private, cert: pems.cert });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(m)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ws = new WebSocket(`wss://127.0.0.1:${(server.address() as { port: number }).port}`, { rejectUnauthorized: false });
  await new Promise((r) => ws.once('open', r));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      ws.once('message', () => r());
      ws.send('x'.repeat(300));
    });
    samples.push(performance.now() - t);
  }
  ws.close();
  wss.close();
  server.close();
  return summarize(samples);
}

async function pair(options: { heartbeatMs?: number; viaProxies?: number } = {}) {
  const a = await makeStationDir('Alpha', { root: 'admin', duty: 'duty_officer' });
  const b = await makeStationDir('Bravo', { root: 'admin', duty: 'duty_officer' });
  for (const s of [a, b]) configure(s.dir, { heartbeatMs: options.heartbeatMs ?? 1000, lineTestMinutes: 0 });
  const bProc = await startStation(b.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  const bPort = Number(new URL(bProc.linkUrl).port);
  const proxies = await Promise.all([...Array(options.viaProxies ?? 0)].map(() => silentProxy(bPort)));
  const serving: Serving = await serve(a.dir, { listen: '127.0.0.1:0', peerListen: '127.0.0.1:0', logLevel: 'error' });
  trustStation(serving.url, a.dir);
  const urls = proxies.length ? proxies.map((p) => `wss://127.0.0.1:${p.port}/link`) : [bProc.linkUrl];
  // B pins A first, so A's first dial is accepted and the link starts on A's first endpoint.
  await api(bProc.url, b.tokens.root, 'POST', '/v1/peers', { name: 'Alpha', key: a.identity.vkey, urls: [] });
  await api(serving.url, a.tokens.root, 'POST', '/v1/peers', { name: 'Bravo', key: b.identity.vkey, urls });
  await eventually(async () => (await serving.links.views()).some((l) => l.status === 'up'), 'link up', 20_000);
  return {
    a, b, bProc, serving, proxies,
    async close() {
      for (const p of proxies) p.close();
      await serving.close();
      // catchUp restarts B and replaces bProc: stop the one running now.
      await this.bProc.stop();
      a.cleanup();
      b.cleanup();
    },
  };
}

/** Append at A → B's cosignature covering it back at A, at a fixed offered rate. */
export async function deliveryLatency(rate: number, seconds: number) {
  const p = await pair();
  try {
    const station = p.serving.station;
    await api(p.serving.url, p.a.tokens.root, 'POST', '/v1/lines', { id: 'bench', title: 'bench', parties: [p.b.identity.vkey], members: ['duty'] });
    await eventually(async () => (await api(p.bProc.url, p.b.tokens.root, 'GET', '/v1/lines/bench')).status === 200, 'line at B');
    const clock = receiptClock(station, 'bench', 'Alpha', 'Bravo');
    const total = rate * seconds;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      clock.append(`bench ${i}`);
    }
    return await clock.settle(60_000);
  } finally {
    await p.close();
  }
}

/** B, linked after A wrote `backlog` entries, catches up: entries/s. */
export async function catchUp(backlog: number) {
  const p = await pair();
  try {
    const station = p.serving.station;
    // B is away while A writes the backlog.
    await p.bProc.stop();
    await api(p.serving.url, p.a.tokens.root, 'POST', '/v1/lines', { id: 'backlog', title: 'backlog', parties: [p.b.identity.vkey], members: ['duty'] });
    let size = 0;
    for (let done = 0; done < backlog; done += 5000) {
      const appended = await Promise.all([...Array(Math.min(5000, backlog - done))].map((_, i) => station.appender.append({ line: 'backlog', kind: 'message', body: { text: `backlog entry ${done + i}` } })));
      size = appended.at(-1)!.seq + 1;
    }
    const bPort = Number(new URL(p.bProc.linkUrl).port);
    const again = await startStation(p.b.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${bPort}`);
    p.bProc = again;
    // Time from the first receipt of the backlog to the last: start-up and the link handshake are not catch-up.
    let first: { at: number; size: number } | undefined;
    const receipted = () => p.serving.station.store.cosignedSizes({ line: 'backlog', party: 'Alpha' }).then((m) => m.get('Bravo') ?? 0);
    await eventually(async () => {
      const got = await receipted();
      if (got > 0 && !first) first = { at: performance.now(), size: got };
      return got === size;
    }, 'B caught up', 600_000);
    const seconds = (performance.now() - first!.at) / 1000;
    return { rate: (size - first!.size) / seconds, seconds };
  } finally {
    await p.close();
  }
}

/** A silent cut of the circuit in use: time to status down, and to a link over the second circuit. */
export async function failover(heartbeatMs: number) {
  const p = await pair({ heartbeatMs, viaProxies: 2 });
  try {
    const station = p.serving.station;
    const view = (await p.serving.links.views()).find((l) => l.peer === 'Bravo')!;
    const first = p.proxies.find((x) => view.endpoint?.includes(`:${x.port}/`)) ?? p.proxies[0];
    const events: Array<{ status: string; at: number }> = [];
    station.events.on('link', (e: { status: string }) => events.push({ status: e.status, at: performance.now() }));
    const t = performance.now();
    first.silence();
    await eventually(async () => events.some((e) => e.status === 'down'), 'down', 30_000);
    await eventually(async () => events.some((e) => e.status === 'up'), 'up again', 30_000);
    const down = events.find((e) => e.status === 'down')!.at - t;
    const up = events.find((e) => e.status === 'up')!.at - t;
    const endpoint = (await p.serving.links.views()).find((l) => l.peer === 'Bravo')!.endpoint;
    return { downMs: down, failoverMs: up, heartbeatMs, switched: endpoint !== view.endpoint };
  } finally {
    await p.close();
  }
}
