import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// Two real stations, linked over TLS on loopback.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
after(async () => {
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
});

async function station(name: string) {
  const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
  dirs.push(dir);
  const port = await freePort();
  const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${port}`);
  running.push(proc);
  return { dir, proc, admin: dir.tokens.root, duty: dir.tokens.duty };
}

test('a line between two stations: replication, receipts, identical transcripts', { timeout: 60_000 }, async () => {
  const a = await station('Washington');
  const b = await station('Moscow');
  assert.equal((await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Moscow', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] })).status, 201);
  assert.equal((await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Washington', key: a.dir.identity.vkey, urls: [a.proc.linkUrl] })).status, 201);
  await eventually(async () => (await api(a.proc.url, a.duty, 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Moscow' && l.status === 'up'), 'link up');

  const line = (await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: 'deconfliction', title: 'Deconfliction', parties: [b.dir.identity.vkey], members: ['duty'] })).json;
  assert.equal(line.id, 'deconfliction');
  for (let i = 0; i < 5; i++) assert.equal((await api(a.proc.url, a.duty, 'POST', '/v1/lines/deconfliction/messages', { text: `from Washington ${i}` })).status, 201);

  // The line reaches Moscow; its admin names its own members on it.
  await eventually(async () => (await api(b.proc.url, b.admin, 'GET', '/v1/lines/deconfliction')).status === 200, 'line offered to Moscow').catch((e) => {
    console.log(a.proc.output(), b.proc.output());
    throw e;
  });
  assert.equal((await api(b.proc.url, b.admin, 'PUT', '/v1/lines/deconfliction/members', { members: ['duty'] })).status, 200);
  await eventually(async () => (await api(b.proc.url, b.duty, 'GET', '/v1/lines/deconfliction/transcript')).json.total === 5, 'entries at Moscow');
  await api(b.proc.url, b.duty, 'POST', '/v1/lines/deconfliction/messages', { text: 'from Moscow' });

  const both = async () => Promise.all([a, b].map(async (s) => (await api(s.proc.url, s.duty, 'GET', '/v1/lines/deconfliction/transcript')).json));
  const [ta, tb] = await eventually(async () => {
    const [x, y] = await both();
    return x.total === 6 && y.total === 6 && x.items.every((i: any) => i.deliveredTo.length === 1) && y.items.every((i: any) => i.deliveredTo.length === 1) && [x, y];
  }, 'transcripts complete and receipted on both sides');
  const strip = (t: any) => t.items.map((i: any) => [i.party, i.seq, i.leafHash]);
  assert.deepEqual(strip(ta), strip(tb));
  assert.equal(ta.items.at(-1).body.text, 'from Moscow');
  // Washington's log holds the line's signed definition and the 5 messages.
  assert.deepEqual(ta.items.at(-1).seen, { Washington: 6 });

  // Moscow's cosignature on Washington's checkpoint is the receipt for all 6.
  const cos = (await api(a.proc.url, a.duty, 'GET', '/v1/lines/deconfliction/logs/Washington/cosignatures')).json.cosignatures;
  assert.ok(cos.some((c: any) => c.cosigner === 'Moscow' && c.size === 6));
});

test('store and forward across a cut, and failover between a peer\'s two endpoints', { timeout: 90_000 }, async () => {
  const { TcpProxy } = await import('./support/tcp-proxy.ts');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const mk = async (name: string) => {
    const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
    dirs.push(dir);
    const path = join(dir.dir, 'hotline.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), heartbeatMs: 200 }));
    const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
    running.push(proc);
    return { dir, proc, admin: dir.tokens.root, duty: dir.tokens.duty };
  };
  const a = await mk('Ankara');
  const b = await mk('Athens');
  const bPort = Number(new URL(b.proc.linkUrl).port);
  const primary = await TcpProxy.start(bPort);
  const backup = await TcpProxy.start(bPort);
  try {
    await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Athens', key: b.dir.identity.vkey, urls: [`wss://127.0.0.1:${primary.port}/link`, `wss://127.0.0.1:${backup.port}/link`] });
    await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Ankara', key: a.dir.identity.vkey, urls: [] });
    const link = async () => (await api(a.proc.url, a.duty, 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Athens');
    await eventually(async () => (await link())?.status === 'up', 'link up');
    assert.equal((await link()).endpoint, `wss://127.0.0.1:${primary.port}/link`);
    await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: 'aegean', title: 'Aegean', parties: [b.dir.identity.vkey], members: ['duty'] });
    await eventually(async () => (await api(b.proc.url, b.admin, 'PUT', '/v1/lines/aegean/members', { members: ['duty'] })).status === 200, 'line at Athens');

    // Both circuits cut: entries written meanwhile wait, then arrive in order, once each.
    primary.cut('blackhole');
    backup.cut('reset');
    await eventually(async () => (await link())?.status === 'down', 'down within three heartbeats', 5_000);
    for (let i = 0; i < 20; i++) assert.equal((await api(a.proc.url, a.duty, 'POST', '/v1/lines/aegean/messages', { text: `while cut ${i}` })).status, 201);
    const before = (await api(b.proc.url, b.duty, 'GET', '/v1/lines/aegean/transcript')).json.total;
    assert.equal(before, 0);

    // Only the backup circuit comes back: the station fails over to it.
    backup.restore();
    await eventually(async () => (await link())?.status === 'up', 'up again over the backup');
    assert.equal((await link()).endpoint, `wss://127.0.0.1:${backup.port}/link`);
    const t = await eventually(async () => {
      const x = (await api(b.proc.url, b.duty, 'GET', '/v1/lines/aegean/transcript')).json;
      return x.total === 20 && x;
    }, 'the backlog at Athens');
    assert.deepEqual(t.items.map((i: any) => i.body.text), [...Array(20)].map((_, i) => `while cut ${i}`));
    await eventually(async () => (await api(a.proc.url, a.duty, 'GET', '/v1/lines/aegean/transcript')).json.items.every((i: any) => i.deliveredTo.includes('Athens')), 'receipts back at Ankara');
    // The outage is on record: the link's history and the alarms list.
    const history = (await api(a.proc.url, a.duty, 'GET', '/v1/links/Athens/history')).json.events.map((e: any) => e.status);
    assert.ok(history.includes('down') && history.at(-1) === 'up', history.join());
    // The link alarm was raised when it went down and cleared when it came back up.
    const linkAlarm = (await api(a.proc.url, a.duty, 'GET', '/v1/alarms')).json.alarms.find((x: any) => x.kind === 'link' && x.words.peer === 'Athens');
    assert.deepEqual([linkAlarm?.cleared?.why, linkAlarm?.sounding], ['up', false]);
    assert.equal((await api(a.proc.url, a.duty, 'GET', '/v1/links/Nobody/history')).status, 404);
  } finally {
    primary.close();
    backup.close();
  }
});

// The author stores a peer's receipt without waiting for its disk (the peer holds it durably with what it covers):
// a receipt lost in a crash comes back with the next link.
test('a receipt lost at the author comes back when the link is set up again', { timeout: 60_000 }, async () => {
  const { default: Database } = await import('better-sqlite3');
  const { join } = await import('node:path');
  const a = await station('Rome');
  const b = await station('Vienna');
  await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Rome', key: a.dir.identity.vkey, urls: [a.proc.linkUrl] });
  await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Vienna', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
  await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: 'alps', title: 'Alps', parties: [b.dir.identity.vkey], members: ['duty'] });
  for (let i = 0; i < 3; i++) assert.equal((await api(a.proc.url, a.duty, 'POST', '/v1/lines/alps/messages', { text: `from Rome ${i}` })).status, 201);
  const receipted = async (proc: StationProcess) => (await api(proc.url, a.duty, 'GET', '/v1/lines/alps/logs/Rome/cosignatures')).json.cosignatures?.some((c: any) => c.cosigner === 'Vienna' && c.size === 4);
  await eventually(() => receipted(a.proc), "Vienna's receipt for all 4 at Rome");

  // Rome stops and loses every receipt it held, as a crash right after storing them may.
  await a.proc.stop();
  const db = new Database(join(a.dir.dir, 'station.db'));
  assert.ok(db.prepare('DELETE FROM cosignature').run().changes > 0);
  db.close();
  const again = await startStation(a.dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${new URL(a.proc.linkUrl).port}`);
  running.push(again);
  assert.equal(await receipted(again), false);
  // Vienna sends its latest receipt on Rome's log again when the link is up, without a new entry.
  await eventually(() => receipted(again), "Vienna's receipt back at Rome");
});
