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
  assert.deepEqual(ta.items.at(-1).seen, { Washington: 5 });

  // Moscow's cosignature on Washington's checkpoint is the receipt for all 5.
  const cos = (await api(a.proc.url, a.duty, 'GET', '/v1/lines/deconfliction/logs/Washington/cosignatures')).json.cosignatures;
  assert.ok(cos.some((c: any) => c.cosigner === 'Moscow' && c.size === 5));
});
