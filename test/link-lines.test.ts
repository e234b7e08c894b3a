import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, BIN, cli, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// Lines of more than two parties, line tests, and a neutral witness.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const others: Array<() => void> = [];
after(async () => {
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
  for (const o of others) o();
});

function configure(dir: StationDir, change: Record<string, unknown>) {
  const path = join(dir.dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...change }, null, 2));
}

async function station(name: string, change: Record<string, unknown> = {}) {
  const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
  dirs.push(dir);
  configure(dir, { heartbeatMs: 200, ...change });
  const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  running.push(proc);
  return { name, dir, proc, admin: dir.tokens.root, duty: dir.tokens.duty };
}

type S = Awaited<ReturnType<typeof station>>;
async function pinAll(stations: S[]) {
  for (const a of stations) for (const b of stations) {
    if (a !== b) await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: b.name, key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
  }
}

async function startWitness(originsFor: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-'));
  others.push(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal((await cli(['witness', 'init', '--name', 'Geneva', '--dir', dir, '--listen', '127.0.0.1:0'])).code, 0);
  const key = JSON.parse((await cli(['witness', 'key', '--dir', dir, '--json'])).stdout);
  for (const spec of originsFor) {
    const [origin, vkey] = spec.split(' ');
    assert.equal((await cli(['witness', 'log', 'add', '--dir', dir, '--origin', origin, '--key', vkey])).code, 0);
  }
  const proc: ChildProcess = spawn(process.execPath, [BIN, 'witness', 'serve', '--dir', dir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  others.push(() => proc.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.once('exit', () => reject(new Error(`witness exited: ${out}`)));
  });
  return { url, vkey: key.vkey ?? key.key };
}

test('a three-party line with a neutral witness: every station holds every log; line tests are answered', { timeout: 90_000 }, async () => {
  const lineId = 'deconfliction';
  const washingtonDir = await makeStationDir('Washington', { root: 'admin', duty: 'duty_officer' });
  dirs.push(washingtonDir);
  const witness = await startWitness([`hotline/line/${lineId}/Washington ${washingtonDir.identity.vkey}`]);
  configure(washingtonDir, { heartbeatMs: 200, witnesses: [{ key: witness.vkey, url: witness.url }] });
  const wProc = await startStation(washingtonDir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  running.push(wProc);
  const w: S = { name: 'Washington', dir: washingtonDir, proc: wProc, admin: washingtonDir.tokens.root, duty: washingtonDir.tokens.duty };
  const m = await station('Moscow');
  const p = await station('Paris');
  const all = [w, m, p];
  await pinAll(all);

  await api(w.proc.url, w.admin, 'POST', '/v1/lines', { id: lineId, title: 'Deconfliction', parties: [m.dir.identity.vkey, p.dir.identity.vkey], members: ['duty'] });
  for (const s of [m, p]) await eventually(async () => (await api(s.proc.url, s.admin, 'PUT', `/v1/lines/${lineId}/members`, { members: ['duty'] })).status === 200, `line at ${s.name}`);
  for (const s of all) for (let i = 0; i < 3; i++) assert.equal((await api(s.proc.url, s.duty, 'POST', `/v1/lines/${lineId}/messages`, { text: `${s.name} ${i}` })).status, 201);

  // Line test: Moscow tests the line; both others answer with signed replies.
  const test = await api(m.proc.url, m.admin, 'GET', '/v1/links');
  assert.equal(test.status, 200);
  const transcripts = await eventually(async () => {
    const ts = await Promise.all(all.map(async (s) => (await api(s.proc.url, s.duty, 'GET', `/v1/lines/${lineId}/transcript?limit=1000`)).json));
    const ok = ts.every((t) => t.total === 9 && t.items.every((i: any) => i.deliveredTo.length === 2));
    return ok && ts;
  }, 'nine entries, each receipted by both other parties, on every station');
  const keyOf = (t: any) => JSON.stringify(t.items.map((i: any) => [i.party, i.seq, i.leafHash]));
  assert.equal(keyOf(transcripts[1]), keyOf(transcripts[0]));
  assert.equal(keyOf(transcripts[2]), keyOf(transcripts[0]));

  // Each station verifies every log it holds of the line.
  for (const s of all) {
    const v = await cli(['verify', '--line', lineId, '--url', s.proc.url, '--token', s.duty, ...all.map((x) => ['--key', x.dir.identity.vkey]).flat()]);
    assert.equal(v.code, 0, v.stderr);
    // Three logs, and the line's definition as its creator signed it.
    assert.equal((v.stdout.match(/^ok {2}(Washington|Moscow|Paris): /gm) ?? []).length, 3, v.stdout);
    assert.match(v.stdout, /^ok {2}definition: /m);
  }

  // The witness cosigned Washington's checkpoints without reading the line.
  const cos = await eventually(async () => {
    const c = (await api(w.proc.url, w.duty, 'GET', `/v1/lines/${lineId}/logs/Washington/cosignatures`)).json.cosignatures;
    return c.some((x: any) => x.cosigner === 'Geneva' && x.size === 4) && c;
  }, 'witness cosignature');
  assert.ok(cos.some((x: any) => x.cosigner === 'Moscow') && cos.some((x: any) => x.cosigner === 'Paris'));

  // A discreet line is never shown to the witness.
  const quiet = (await api(w.proc.url, w.admin, 'POST', '/v1/lines', { title: 'Backchannel', parties: [m.dir.identity.vkey], members: ['duty'], discreet: true })).json;
  await api(w.proc.url, w.duty, 'POST', `/v1/lines/${quiet.id}/messages`, { text: 'quiet' });
  await eventually(async () => (await api(m.proc.url, m.admin, 'PUT', `/v1/lines/${quiet.id}/members`, { members: ['duty'] })).status === 200, 'backchannel at Moscow');
  await eventually(async () => (await api(w.proc.url, w.duty, 'GET', `/v1/lines/${quiet.id}/logs/Washington/cosignatures`)).json.cosignatures.some((c: any) => c.cosigner === 'Moscow'), 'Moscow receipt on the backchannel');
  assert.ok(!(await api(w.proc.url, w.duty, 'GET', `/v1/lines/${quiet.id}/logs/Washington/cosignatures`)).json.cosignatures.some((c: any) => c.cosigner === 'Geneva'));
  // Paris, not on the backchannel, does not learn it exists.
  assert.equal((await api(p.proc.url, p.admin, 'GET', `/v1/lines/${quiet.id}`)).status, 404);
});

test('line tests: a scheduled signed test entry, answered automatically by the peer', { timeout: 60_000 }, async () => {
  const a = await station('Kyiv', { lineTestMinutes: 0.01 });
  const b = await station('Vilnius');
  await pinAll([a, b]);
  await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: 'kyiv-vilnius', title: 'Kyiv–Vilnius', parties: [b.dir.identity.vkey], members: ['duty'] });
  const items = await eventually(async () => {
    const t = (await api(a.proc.url, a.duty, 'GET', '/v1/lines/kyiv-vilnius/transcript?limit=1000')).json;
    const reply = t.items.find((i: any) => i.kind === 'line.test.reply' && i.party === 'Vilnius');
    return reply && t.items;
  }, 'a line test answered by Vilnius');
  const reply = items.find((i: any) => i.kind === 'line.test.reply');
  const tested = items.find((i: any) => i.kind === 'line.test' && i.party === 'Kyiv' && i.seq === reply.body.seq);
  assert.ok(tested, 'the reply names the test it answers');
  assert.ok(items.indexOf(tested) < items.indexOf(reply));
});
