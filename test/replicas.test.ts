import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Agent, fetch } from 'undici';
import { PASSWORD, api, eventually, freePort, makeStationDir, startStation, tlsFor, type StationDir, type StationProcess } from './support/station.ts';
import { testDatabase, type TestDatabase } from './support/postgres.ts';

// Two replicas of one station (Washington) on one PostgreSQL database, linked to a peer (Moscow) on SQLite.
// Real processes throughout: the leader is killed with SIGKILL, and the follower must take over.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const sockets: WebSocket[] = [];
let database: TestDatabase | undefined;
after(async () => {
  for (const s of sockets) s.terminate();
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
  await database?.drop();
});

function quicken(dir: string) {
  const path = join(dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), heartbeatMs: 200 }));
}

interface Console {
  events: any[];
  ws: WebSocket;
}

/** A console's event stream on one replica, opened with a ticket taken on another (tickets live in the database). */
async function console(url: string, ticketFrom: string, token: string): Promise<Console> {
  const { ticket } = (await api(ticketFrom, token, 'POST', '/v1/events/ticket')).json;
  const wsUrl = `${url.replace(/^http/, 'ws')}/v1/events?ticket=${encodeURIComponent(ticket)}`;
  const ws = new WebSocket(wsUrl, tlsFor(wsUrl));
  sockets.push(ws);
  const c: Console = { events: [], ws };
  ws.on('message', (data) => c.events.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  return c;
}

/** A second duty officer with a console on `url`: resolves `closed` with the close code when the stream ends. */
async function makeWatcher(url: string, via: string, w: StationDir) {
  const added = await api(via, w.tokens.root, 'POST', '/v1/members', { name: 'watch', role: 'duty_officer', password: 'correct horse battery staple' });
  assert.equal(added.status, 201, JSON.stringify(added.json));
  const session = await api(via, undefined, 'POST', '/v1/session', { name: 'watch', password: 'correct horse battery staple' });
  assert.equal(session.status, 201, JSON.stringify(session.json));
  const c = await console(url, via, session.json.token);
  return { closed: new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code))) };
}

const station = async (url: string) => (await api(url, undefined, 'GET', '/v1/station')).json;

test('two replicas on one database: one leads, the other forwards writes and is live, and takes over when the leader is killed', { timeout: 60_000 }, async () => {
  database = await testDatabase();
  const w = await makeStationDir('Washington', { root: 'admin', duty: 'duty_officer' }, { database: database.url });
  const m = await makeStationDir('Moscow', { root: 'admin', duty: 'duty_officer' });
  dirs.push(w, m);
  quicken(w.dir);
  quicken(m.dir);
  const [api1, api2, link1, link2, mLink] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const r1 = await startStation(w.dir, `127.0.0.1:${api1}`, 20_000, `127.0.0.1:${link1}`);
  running.push(r1);
  const r2 = await startStation(w.dir, `127.0.0.1:${api2}`, 20_000, `127.0.0.1:${link2}`);
  running.push(r2);
  const moscow = await startStation(m.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${mLink}`);
  running.push(moscow);

  // Exactly one leader, and the other replica names it.
  const views = await Promise.all([station(r1.url), station(r2.url)]);
  assert.deepEqual(views.map((v) => v.replica.role).sort(), ['follower', 'leader']);
  const [leader, follower] = views[0].replica.role === 'leader' ? [r1, r2] : [r2, r1];
  const [lv, fv] = views[0].replica.role === 'leader' ? views : [views[1], views[0]];
  assert.notEqual(lv.replica.id, fv.replica.id);
  assert.deepEqual(fv.replica.leader, { id: lv.replica.id, url: leader.url });
  assert.equal(typeof lv.replica.epoch, 'number');
  assert.equal((await api(follower.url, undefined, 'GET', '/readyz')).status, 200);
  assert.equal((await api(leader.url, undefined, 'GET', '/healthz')).json.role, 'leader');

  // Pinning goes through the follower: a write, passed on to the leader. Moscow pins both replicas' link addresses.
  assert.equal((await api(follower.url, w.tokens.root, 'POST', '/v1/peers', { name: 'Moscow', key: m.identity.vkey, urls: [`wss://127.0.0.1:${mLink}/link`] })).status, 201);
  assert.equal((await api(moscow.url, m.tokens.root, 'POST', '/v1/peers', { name: 'Washington', key: w.identity.vkey, urls: [`wss://127.0.0.1:${link1}/link`, `wss://127.0.0.1:${link2}/link`] })).status, 201);
  const linkUp = (url: string) => eventually(async () => (await api(url, w.tokens.duty, 'GET', '/v1/links')).json.links?.find((l: any) => l.peer === 'Moscow' && l.status === 'up'), 'link up', 20_000);
  // The follower answers /v1/links from the leader's memory.
  await linkUp(follower.url);

  const created = await api(follower.url, w.tokens.root, 'POST', '/v1/lines', { id: 'hotline', title: 'Hotline', parties: [m.identity.vkey], members: ['duty'] });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  await eventually(async () => (await api(moscow.url, m.tokens.root, 'GET', '/v1/lines/hotline')).status === 200, 'line offered to Moscow');
  assert.equal((await api(moscow.url, m.tokens.root, 'PUT', '/v1/lines/hotline/members', { members: ['duty'] })).status, 200);

  // A console on each replica; the follower's ticket is taken on the leader.
  const onLeader = await console(leader.url, leader.url, w.tokens.duty);
  const onFollower = await console(follower.url, leader.url, w.tokens.duty);

  // A write sent to the follower lands once.
  const sent = await api(follower.url, w.tokens.duty, 'POST', '/v1/lines/hotline/messages', { text: 'via the follower' });
  assert.equal(sent.status, 201, JSON.stringify(sent.json));
  const transcript = async (url: string, token: string) => (await api(url, token, 'GET', '/v1/lines/hotline/transcript')).json;
  const mine = (await transcript(leader.url, w.tokens.duty)).items.filter((i: any) => i.body?.text === 'via the follower');
  assert.equal(mine.length, 1);

  // Moscow writes and calls: both consoles hear the message and the ringing.
  assert.equal((await api(moscow.url, m.tokens.duty, 'POST', '/v1/lines/hotline/messages', { text: 'from Moscow', precedence: 'FLASH' })).status, 201);
  assert.equal((await api(moscow.url, m.tokens.duty, 'POST', '/v1/lines/hotline/calls', {})).status, 201);
  for (const [where, c] of [['leader', onLeader], ['follower', onFollower]] as const) {
    await eventually(async () => c.events.some((e) => e.type === 'message' && e.message?.text === 'from Moscow'), `the message on the ${where}'s console`);
    await eventually(async () => c.events.some((e) => e.type === 'call.ringing'), `the ringing call on the ${where}'s console`);
  }
  // The follower's own message came back to its console as an entry, as on the leader's.
  assert.ok(onFollower.events.some((e) => e.type === 'message' && e.message?.text === 'via the follower'));

  // A member disabled (on the leader) loses the stream open on the follower too, heard through the store.
  const watcher = await makeWatcher(follower.url, leader.url, w);
  const disabledAt = Date.now();
  assert.equal((await api(leader.url, w.tokens.root, 'PATCH', '/v1/members/watch', { disabled: true })).status, 200);
  assert.equal(await watcher.closed, 4001);
  process.stdout.write(`# stream closed on the follower ${Date.now() - disabledAt} ms after the member was disabled\n`);

  // The leader dies. The follower takes over, appends, and the link to Moscow comes back on its address.
  await leader.kill();
  const killed = Date.now();
  const taken = await eventually(async () => {
    const v = await station(follower.url).catch(() => null);
    return v?.replica.role === 'leader' && v;
  }, 'the follower leads', 15_000);
  const failover = Date.now() - killed;
  assert.ok(taken.replica.epoch > lv.replica.epoch);
  assert.equal(taken.replica.leader.id, fv.replica.id);
  await eventually(async () => (await api(follower.url, undefined, 'GET', '/readyz')).status === 200, 'ready as leader');
  const after = await eventually(async () => {
    const r = await api(follower.url, w.tokens.duty, 'POST', '/v1/lines/hotline/messages', { text: 'after the failover' });
    return r.status === 201 && r;
  }, 'an append on the new leader');
  assert.equal(after.status, 201);
  await linkUp(follower.url);
  await eventually(async () => (await transcript(moscow.url, m.tokens.duty)).items?.some((i: any) => i.body?.text === 'after the failover'), 'the new leader\'s message at Moscow', 20_000);
  const final = (await transcript(follower.url, w.tokens.duty)).items;
  assert.equal(final.filter((i: any) => i.body?.text === 'via the follower').length, 1);
  assert.equal(final.filter((i: any) => i.body?.text === 'after the failover').length, 1);
  process.stdout.write(`# failover (SIGKILL to the new leader answering /v1/station): ${failover} ms\n`);
});

test('a leader stopped past its lease is replaced, and when it resumes it follows and passes writes on', { timeout: 60_000 }, async () => {
  const db = await testDatabase();
  const mine: StationProcess[] = [];
  try {
    const w = await makeStationDir('Paris', { root: 'admin', duty: 'duty_officer' }, { database: db.url });
    dirs.push(w);
    const r1 = await startStation(w.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
    mine.push(r1);
    const r2 = await startStation(w.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
    mine.push(r2);
    const v1 = await station(r1.url);
    const [leader, follower] = v1.replica.role === 'leader' ? [r1, r2] : [r2, r1];
    const before = (await station(leader.url)).replica;
    assert.equal((await api(follower.url, w.tokens.root, 'POST', '/v1/lines', { id: 'solo', title: 'Solo', parties: [], members: ['duty'] })).status, 201);
    const onFollower = await console(follower.url, follower.url, w.tokens.duty);

    // A sign-in passed on by the follower is logged (and throttled) under the client's address, not the follower's;
    // the same header sent by a client without the replicas' secret is ignored.
    const other = new Agent({ localAddress: '127.0.0.2', connect: { ca: readFileSync(join(w.dir, 'api.crt'), 'utf8'), allowPartialTrustChain: true } as object });
    const signIn = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/v1/session`, {
      method: 'POST', dispatcher: other, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'duty', password: PASSWORD }),
    });
    assert.equal((await signIn(follower.url)).status, 201);
    assert.equal((await signIn(leader.url, { 'x-hotline-client-address': '10.9.9.9', 'x-hotline-replica-secret': 'guessed' })).status, 201);
    await other.close();
    const logins = (await api(leader.url, w.tokens.root, 'GET', '/v1/security/log')).json.events.filter((e: any) => e.kind === 'login.ok' && e.member === 'duty');
    assert.deepEqual(logins.map((e: any) => e.address), ['127.0.0.2', '127.0.0.2']);

    leader.proc.kill('SIGSTOP');
    let resumed = false;
    try {
      const taken = await eventually(async () => {
        const v = await station(follower.url).catch(() => null);
        return v?.replica.role === 'leader' && v;
      }, 'the follower leads once the stopped leader\'s lease lapses', 15_000);
      assert.ok(taken.replica.epoch > before.epoch);
      assert.equal((await api(follower.url, w.tokens.duty, 'POST', '/v1/lines/solo/messages', { text: 'while the old leader sleeps' })).status, 201);
      leader.proc.kill('SIGCONT');
      resumed = true;
    } finally {
      if (!resumed) leader.proc.kill('SIGCONT');
    }
    // Resumed, the old leader finds its lease gone: it stops its parts and serves again as a follower of the new one.
    const now = await eventually(async () => {
      const v = await station(leader.url).catch(() => null);
      return v?.replica.role === 'follower' && v.replica.leader && v.replica.leader.id !== before.id && v;
    }, 'the old leader follows', 15_000);
    assert.notEqual(now.replica.leader.id, before.id);
    const sent = await eventually(async () => {
      const r = await api(leader.url, w.tokens.duty, 'POST', '/v1/lines/solo/messages', { text: 'through the old leader' });
      return r.status === 201 && r;
    }, 'a write through the old leader, passed on');
    assert.equal(sent.status, 201);
    await eventually(async () => onFollower.events.some((e) => e.type === 'message' && e.message?.text === 'through the old leader'), 'the new leader\'s console hears it');
    const items = (await api(follower.url, w.tokens.duty, 'GET', '/v1/lines/solo/transcript')).json.items;
    assert.deepEqual(items.filter((i: any) => i.kind === 'message').map((i: any) => i.body.text), ['while the old leader sleeps', 'through the old leader']);
  } finally {
    for (const p of mine) await p.stop();
    await db.drop();
  }
});
