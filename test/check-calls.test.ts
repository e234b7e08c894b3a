import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type Serving } from '../src/station/serve.ts';
import { api, configure, eventually, makeStationDir, trustStation, type StationDir } from './support/station.ts';

// Check calls need a minute to pass: a slot's window closes at the earliest a
// minute after it opens. Two linked stations run in this process on one
// clock the test moves, so the window passes without waiting for it.

let skew = 0;
const clock = () => Date.now() + skew;
const dirs: StationDir[] = [];
const served: Serving[] = [];
after(async () => {
  for (const s of served) await s.close();
  for (const d of dirs) d.cleanup();
});

async function station(name: string) {
  const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
  dirs.push(dir);
  configure(dir.dir, { lineTestMinutes: 0, schedulerMs: 200 });
  const s = await serve(dir.dir, { listen: '127.0.0.1:0', peerListen: '127.0.0.1:0', logLevel: 'error', clock });
  served.push(s);
  trustStation(s.url, dir.dir);
  return { dir, s, as: (member: string, method: string, path: string, body?: unknown) => api(s.url, dir.tokens[member], method, path, body) };
}

test('check calls: answered in the window, or missed while the link is up (nobody answered)', { timeout: 60_000 }, async () => {
  const W = await station('Washington');
  const M = await station('Moscow');
  assert.equal((await M.as('root', 'POST', '/v1/peers', { name: 'Washington', key: W.dir.identity.vkey, urls: [] })).status, 201);
  assert.equal((await W.as('root', 'POST', '/v1/peers', { name: 'Moscow', key: M.dir.identity.vkey, urls: [M.s.linkUrl] })).status, 201);
  await eventually(async () => (await W.as('root', 'GET', '/v1/links')).json.links.some((l: { status: string }) => l.status === 'up'), 'link up');
  const lines: string[] = [];
  for (const id of ['hotline', 'night-watch']) {
    assert.equal((await W.as('root', 'POST', '/v1/lines', { id, title: id, parties: [M.dir.identity.vkey], members: ['duty'] })).status, 201);
    await eventually(async () => (await M.as('root', 'GET', `/v1/lines/${id}`)).status === 200, `${id} at Moscow`);
    assert.equal((await M.as('root', 'PUT', `/v1/lines/${id}/members`, { members: ['duty'] })).status, 200);
    lines.push(id);
  }
  const [line, quiet] = lines;

  // Both stations' clocks to 2 s into the next whole minute, and a check for that minute on both lines.
  skew = Math.ceil(Date.now() / 60_000) * 60_000 + 2000 - Date.now();
  const now = new Date(clock());
  const slot = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
  const checks = { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: [slot], windowMinutes: 1 };
  for (const l of lines) assert.equal((await W.as('root', 'PATCH', `/v1/lines/${l}/settings`, { checks })).status, 201);

  const incoming = await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/checks`)).json.checks.find((c: any) => c.party === 'Washington'), 'check at Moscow');
  assert.equal(incoming.status, 'waiting');
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${quiet}/checks`)).json.checks.find((c: any) => c.party === 'Washington'), 'check on the quiet line at Moscow');
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/items/${incoming.id}/ack`)).status, 201);
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${line}/checks`)).json.checks.find((c: any) => c.id === incoming.id && c.status === 'answered'), 'answered at Washington');

  // The window closes, with nobody having answered on the quiet line: missed, and the link was up at the time.
  skew += 65_000;
  const missed = await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${quiet}/checks`)).json.checks.find((c: any) => c.status === 'missed' && c.missed.length === 1), 'missed on the quiet line', 20_000);
  assert.deepEqual(missed.missed[0].link, { Moscow: 'up' }, 'the link was up: nobody answered');
  const answered = (await W.as('duty', 'GET', `/v1/lines/${line}/checks`)).json.checks.find((c: any) => c.id === incoming.id);
  assert.equal(answered.status, 'answered', 'an answered check stays answered after its window');
  const history = (await W.as('duty', 'GET', `/v1/lines/${quiet}/history`)).json;
  assert.deepEqual([history.checks.missed, history.checks.missedWhileLinkUp], [1, 1]);
});
