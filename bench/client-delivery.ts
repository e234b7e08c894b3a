import { Pool } from 'undici';
import { Client } from '../src/cli/client.ts';
import { api, configure, eventually, makeStationDir, startStation, tlsFor } from '../test/support/station.ts';
import { summarize } from './stats.ts';

// Delivery as a client sees it, like for like with a chat client's ping-pong
// through two federated servers (../shared/peers/xmpp: one message at a
// time, the next sent once the last came back): a duty officer's client
// POSTs a message to its station (a separate process), and the time runs
// until the same client hears on its event stream that the peer station
// (another process) has stored the message and cosigned it.

export async function clientRoundTrip(rounds: number, warmup = Math.ceil(rounds / 10)) {
  const a = await makeStationDir('Alpha', { root: 'admin', duty: 'duty_officer' });
  const b = await makeStationDir('Bravo', { root: 'admin', duty: 'duty_officer' });
  for (const s of [a, b]) configure(s.dir, { lineTestMinutes: 0 });
  const bProc = await startStation(b.dir);
  const aProc = await startStation(a.dir);
  const pool = new Pool(aProc.url, { connections: 1, pipelining: 1, connect: tlsFor(aProc.url) });
  let events: Awaited<ReturnType<Client['socket']>> | undefined;
  try {
    await api(bProc.url, b.tokens.root, 'POST', '/v1/peers', { name: 'Alpha', key: a.identity.vkey, urls: [] });
    await api(aProc.url, a.tokens.root, 'POST', '/v1/peers', { name: 'Bravo', key: b.identity.vkey, urls: [bProc.linkUrl] });
    await eventually(async () => (await api(aProc.url, a.tokens.root, 'GET', '/v1/links')).json.links?.some((l: { status: string }) => l.status === 'up'), 'link up', 20_000);
    await api(aProc.url, a.tokens.root, 'POST', '/v1/lines', { id: 'bench', title: 'bench', parties: [b.identity.vkey], members: ['duty'] });
    await eventually(async () => (await api(bProc.url, b.tokens.root, 'GET', '/v1/lines/bench')).status === 200, 'line at B');

    // Receipts are cumulative: the one for size S delivers entry S-1 and all before it.
    let receipted = 0;
    let waiting: { seq: number; done: () => void } | undefined;
    const client = new Client(aProc.url, a.tokens.duty, { kind: 'ca', ca: tlsFor(aProc.url).ca!, from: "the bench station's api.crt" });
    events = await client.socket('/v1/events', (data) => {
      const e = JSON.parse(data.toString()) as { type?: string; line?: string; party?: string; cosigner?: string; size?: number };
      if (e.type !== 'delivery' || e.line !== 'bench' || e.party !== 'Alpha' || e.cosigner !== 'Bravo') return;
      receipted = Math.max(receipted, e.size ?? 0);
      if (waiting && receipted > waiting.seq) waiting.done();
    });
    const body = JSON.stringify({ text: 'Routine line traffic: position report unchanged.', lang: 'en' });
    const samples: number[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      const at = performance.now();
      const delivered = new Promise<void>((done) => (waiting = { seq: Number.MAX_SAFE_INTEGER, done }));
      const res = await pool.request({ path: '/v1/lines/bench/messages', method: 'POST', headers: { authorization: `Bearer ${a.tokens.duty}`, 'content-type': 'application/json' }, body });
      const reply = (await res.body.json()) as { seq?: number };
      if (res.statusCode !== 201 || typeof reply.seq !== 'number') throw new Error(`append failed: ${res.statusCode}`);
      // The receipt may have come before the answer to the POST.
      waiting!.seq = reply.seq;
      if (receipted > reply.seq) waiting!.done();
      await Promise.race([delivered, new Promise((_, reject) => setTimeout(() => reject(new Error(`no receipt for entry ${reply.seq} within 10 s`)), 10_000).unref())]);
      if (i >= warmup) samples.push(performance.now() - at);
    }
    return summarize(samples);
  } finally {
    events?.close();
    await pool.close();
    await aProc.stop();
    await bProc.stop();
    a.cleanup();
    b.cleanup();
  }
}
