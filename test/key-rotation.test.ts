import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, BIN, cli, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// Issue 13: a station's key rotated under traffic, with a third party down
// during it; every peer, verifier and the witness follow the rotation.

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

async function startWitness(origins: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-'));
  others.push(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal((await cli(['witness', 'init', '--name', 'Geneva', '--dir', dir, '--listen', '127.0.0.1:0'])).code, 0);
  const key = JSON.parse((await cli(['witness', 'key', '--dir', dir, '--json'])).stdout);
  for (const spec of origins) {
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

interface S {
  name: string;
  dir: StationDir;
  proc: StationProcess;
  peerPort: number;
  admin: string;
  duty: string;
}

async function start(dir: StationDir, peerPort: number): Promise<StationProcess> {
  const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${peerPort}`);
  running.push(proc);
  return proc;
}

const transcript = async (s: S, line: string) => (await api(s.proc.url, s.duty, 'GET', `/v1/lines/${line}/transcript?limit=1000`)).json;
const order = (t: any) => JSON.stringify(t.items.map((i: any) => [i.party, i.seq, i.leafHash]));

test('a key rotated under traffic with a third party down: it catches up across the rotation, transcripts agree, verify passes everywhere and on a bundle, the witness cosigns the rotated log', { timeout: 180_000 }, async () => {
  const line = 'rotation';
  const made: Record<string, StationDir> = {};
  for (const name of ['Ankara', 'Bern', 'Cairo']) {
    made[name] = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
    dirs.push(made[name]);
  }
  const first = Object.fromEntries(Object.entries(made).map(([n, d]) => [n, d.identity.vkey]));
  const witness = await startWitness([`hotline/line/${line}/Ankara ${first.Ankara}`]);
  configure(made.Ankara, { heartbeatMs: 200, witnesses: [{ key: witness.vkey, url: witness.url }] });
  configure(made.Bern, { heartbeatMs: 200 });
  configure(made.Cairo, { heartbeatMs: 200 });
  const all: S[] = [];
  for (const name of ['Ankara', 'Bern', 'Cairo']) {
    const peerPort = await freePort();
    const dir = made[name];
    all.push({ name, dir, proc: await start(dir, peerPort), peerPort, admin: dir.tokens.root, duty: dir.tokens.duty });
  }
  const [a, b, c] = all;
  for (const x of all) for (const y of all) {
    if (x !== y) assert.equal((await api(x.proc.url, x.admin, 'POST', '/v1/peers', { name: y.name, key: first[y.name], urls: [y.proc.linkUrl] })).status, 201);
  }
  assert.equal((await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: line, title: 'Rotation', parties: [first.Bern, first.Cairo], members: ['duty'] })).status, 201);
  for (const s of [b, c]) await eventually(async () => (await api(s.proc.url, s.admin, 'PUT', `/v1/lines/${line}/members`, { members: ['duty'] })).status === 200, `line at ${s.name}`);
  for (const s of all) assert.equal((await api(s.proc.url, s.duty, 'POST', `/v1/lines/${line}/messages`, { text: `${s.name} before` })).status, 201);
  await eventually(async () => (await Promise.all(all.map((s) => transcript(s, line)))).every((t) => t.total === 3), 'three messages everywhere');

  // Cairo goes down; Ankara and Bern keep sending while Ankara rotates its key.
  await c.proc.stop();
  let sending = true;
  const refused: string[] = [];
  let acknowledged = 0;
  const loop = async (s: S) => {
    for (let i = 0; sending; i++) {
      const r = await api(s.proc.url, s.duty, 'POST', `/v1/lines/${line}/messages`, { text: `${s.name} ${i}` });
      if (r.status === 201) acknowledged++;
      else refused.push(`${s.name} ${r.status} ${r.text}`);
    }
  };
  const loops = [loop(a), loop(b)];
  await eventually(async () => acknowledged >= 10, 'sends flowing');
  const rotated = await cli(['key', 'rotate', '--url', a.proc.url, '--token', a.admin, '--json']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const view = JSON.parse(rotated.stdout);
  assert.equal(view.party, 'Ankara');
  assert.equal(view.old, first.Ankara);
  assert.notEqual(view.new, first.Ankara);
  assert.equal(view.positions.length, 1);
  const at: number = view.positions[0].seq;
  assert.ok(existsSync(join(a.dir.dir, 'station.key.retired-1')), 'the old key is kept, retired');
  // A revocation statement for the new key, made while it is surely ours; the retired key's kept beside it.
  assert.equal(view.revocationFile, join(a.dir.dir, 'revocation.txt'));
  assert.match(readFileSync(view.revocationFile, 'utf8'), new RegExp(`^hotline/key-revocation/v1\nparty Ankara\nkey ${view.new.replace(/[+/]/g, '\\$&')}\n`));
  assert.ok(existsSync(join(a.dir.dir, 'revocation.txt.retired-1')));
  // A human-readable rotation prints both fingerprints.
  const listed = await cli(['key', 'list', '--url', a.proc.url, '--token', a.duty]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(listed.stdout.includes(view.fingerprint) && listed.stdout.includes(view.oldFingerprint), listed.stdout);

  // Bern follows the rotation over the link: it receives Ankara's entries signed by the new key, and its pin moves.
  const moved = acknowledged;
  await eventually(async () => acknowledged >= moved + 20, 'sends go on after the rotation');
  await eventually(async () => (await transcript(b, line)).items.some((i: any) => i.party === 'Ankara' && i.seq > at + 3), 'Bern holds Ankara\'s entries past the rotation', 30_000);
  await eventually(async () => (await api(b.proc.url, b.admin, 'GET', '/v1/peers')).json.peers.find((p: any) => p.name === 'Ankara')?.key === view.new, 'Bern\'s pin of Ankara follows the rotation');
  sending = false;
  await Promise.all(loops);
  assert.deepEqual(refused, [], 'every send during the rotation was acknowledged');

  // The station's keys: the chain names the rotation and its position.
  const keys = (await api(b.proc.url, b.duty, 'GET', '/v1/station/keys')).json;
  assert.equal(keys.rotations.length, 0, 'Bern did not rotate');
  const aKeys = (await api(a.proc.url, a.duty, 'GET', '/v1/station/keys')).json;
  assert.equal(aKeys.key, view.new);
  assert.deepEqual(aKeys.rotations.map((r: any) => r.positions), [[{ line, seq: at }]]);

  // Cairo comes back, still pinning Ankara's first key: it follows the rotation and catches up across it.
  c.proc = await start(c.dir, c.peerPort);
  const ts = await eventually(async () => {
    const t = await Promise.all(all.map((s) => transcript(s, line)));
    return t[0].total > at && t.every((x) => x.total === t[0].total && order(x) === order(t[0])) && t;
  }, 'the same transcript on all three stations', 60_000);
  assert.ok(ts[2].items.some((i: any) => i.party === 'Ankara' && i.seq > at), 'Cairo holds Ankara\'s entries past the rotation');
  // Receipts: every entry on every station is receipted by both other parties, Ankara's receipts made with its new key.
  await eventually(async () => (await Promise.all(all.map((s) => transcript(s, line)))).every((t) => t.items.every((i: any) => i.deliveredTo.length === 2)), 'every entry receipted by both other parties, on every station', 30_000);
  await eventually(async () => (await api(c.proc.url, c.admin, 'GET', '/v1/peers')).json.peers.find((p: any) => p.name === 'Ankara')?.key === view.new, 'Cairo\'s pin of Ankara follows the rotation');

  // Every station verifies every log of the line, from the keys pinned at the start.
  const pins = Object.values(first).flatMap((k) => ['--key', k]);
  for (const s of all) {
    const v = await cli(['verify', '--line', line, '--url', s.proc.url, '--token', s.duty, ...pins]);
    assert.equal(v.code, 0, `${s.name}: ${v.stdout}\n${v.stderr}`);
    assert.equal((v.stdout.match(/^ok {2}(Ankara|Bern|Cairo): /gm) ?? []).length, 3, v.stdout);
  }
  // A bundle exported afterwards verifies alone.
  const file = join(a.dir.dir, 'bundle.json');
  const exported = await cli(['export', '--line', line, '--out', file, '--url', b.proc.url, '--token', b.duty]);
  assert.equal(exported.code, 0, exported.stderr);
  const bundled = await cli(['verify', '--bundle', file, ...pins]);
  assert.equal(bundled.code, 0, `${bundled.stdout}\n${bundled.stderr}`);

  // The witness, which pinned Ankara's first key, cosigned a checkpoint of Ankara's log beyond the rotation.
  await api(a.proc.url, a.duty, 'POST', `/v1/lines/${line}/messages`, { text: 'for the witness' });
  await eventually(async () => {
    const cos = (await api(a.proc.url, a.duty, 'GET', `/v1/lines/${line}/logs/Ankara/cosignatures`)).json.cosignatures;
    return cos.some((x: any) => x.cosigner === 'Geneva' && x.size > at + 1);
  }, 'a witness cosignature past the rotation', 30_000);
});

test('a peer that was down while a station rotated twice follows both rotations in the hello (no other party to relay them), and links again', { timeout: 120_000 }, async () => {
  const line = 'twice';
  const made = [await makeStationDir('Dakar', { root: 'admin', duty: 'duty_officer' }), await makeStationDir('Elba', { root: 'admin', duty: 'duty_officer' })];
  dirs.push(...made);
  for (const d of made) configure(d, { heartbeatMs: 200 });
  const pair: S[] = [];
  for (const [i, name] of ['Dakar', 'Elba'].entries()) {
    const peerPort = await freePort();
    pair.push({ name, dir: made[i], proc: await start(made[i], peerPort), peerPort, admin: made[i].tokens.root, duty: made[i].tokens.duty });
  }
  const [d, e] = pair;
  const first = { Dakar: d.dir.identity.vkey, Elba: e.dir.identity.vkey };
  assert.equal((await api(d.proc.url, d.admin, 'POST', '/v1/peers', { name: 'Elba', key: first.Elba, urls: [e.proc.linkUrl] })).status, 201);
  assert.equal((await api(e.proc.url, e.admin, 'POST', '/v1/peers', { name: 'Dakar', key: first.Dakar, urls: [d.proc.linkUrl] })).status, 201);
  assert.equal((await api(d.proc.url, d.admin, 'POST', '/v1/lines', { id: line, title: 'Twice', parties: [first.Elba], members: ['duty'] })).status, 201);
  await eventually(async () => (await api(e.proc.url, e.admin, 'PUT', `/v1/lines/${line}/members`, { members: ['duty'] })).status === 200, 'line at Elba');
  assert.equal((await api(d.proc.url, d.duty, 'POST', `/v1/lines/${line}/messages`, { text: 'before' })).status, 201);
  await eventually(async () => (await transcript(e, line)).total === 1, 'Elba holds the first message');

  await e.proc.stop();
  const one = await api(d.proc.url, d.admin, 'POST', '/v1/station/key-rotation');
  assert.equal(one.status, 201, one.text);
  assert.equal((await api(d.proc.url, d.duty, 'POST', `/v1/lines/${line}/messages`, { text: 'between' })).status, 201);
  const two = await api(d.proc.url, d.admin, 'POST', '/v1/station/key-rotation');
  assert.equal(two.status, 201, two.text);
  assert.equal(two.json.old, one.json.new);
  assert.equal((await api(d.proc.url, d.duty, 'POST', `/v1/lines/${line}/messages`, { text: 'after' })).status, 201);

  // Elba still pins Dakar's first key; only the hello can tell it of the two rotations.
  e.proc = await start(e.dir, e.peerPort);
  await eventually(async () => (await api(e.proc.url, e.admin, 'GET', '/v1/peers')).json.peers.find((p: any) => p.name === 'Dakar')?.key === two.json.new, 'Elba\'s pin follows both rotations', 30_000);
  await eventually(async () => (await api(e.proc.url, e.admin, 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Dakar' && l.status === 'up'), 'the link is up again under the new key', 30_000);
  const t = await eventually(async () => {
    const [x, y] = await Promise.all([transcript(d, line), transcript(e, line)]);
    return x.total === 5 && order(x) === order(y) && y;
  }, 'the same transcript at both stations, past both rotations', 30_000);
  assert.deepEqual(t.items.filter((i: any) => i.kind === 'key.rotate').map((i: any) => i.seq), [2, 4]);
  const log = (await api(e.proc.url, e.admin, 'GET', '/v1/security/log?limit=50')).json;
  assert.ok(JSON.stringify(log).includes('by its signed rotation statements'), 'the pin change is in the security log');
  const v = await cli(['verify', '--line', line, '--url', e.proc.url, '--token', e.duty, '--key', first.Dakar, '--key', first.Elba]);
  assert.equal(v.code, 0, `${v.stdout}\n${v.stderr}`);
});
