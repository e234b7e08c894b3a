import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { parseVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto } from '../src/node/crypto.ts';
import { openCheckpoint } from '../src/core/log-verifier.ts';
import { verifyEntry } from '../src/core/entry.ts';
import { fromBase64 } from '../src/core/encoding.ts';
import { verifyConsistency } from '../src/core/merkle/proof.ts';
import { api, cli, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// Who may link: only pinned keys, never through a man in the middle; and a
// party that shows two histories is caught.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const closers: Array<() => void> = [];
after(async () => {
  for (const c of closers) c();
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
});

async function station(name: string, dir?: StationDir) {
  dir ??= await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
  if (!dirs.includes(dir)) dirs.push(dir);
  const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  running.push(proc);
  return { dir, proc, admin: dir.tokens.root, duty: dir.tokens.duty };
}

const linkOf = async (s: { proc: StationProcess; duty: string }, peer: string) =>
  (await api(s.proc.url, s.duty, 'GET', '/v1/links')).json.links.find((l: any) => l.peer === peer);

test('a station links only with pinned keys, in either direction', { timeout: 60_000 }, async () => {
  const a = await station('Washington');
  const moscow = await station('Moscow');
  const impostor = await station('Moscow');
  // Washington pins the real Moscow key but dials the impostor's address.
  await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Moscow', key: moscow.dir.identity.vkey, urls: [impostor.proc.linkUrl] });
  // The impostor pins Washington and dials it too.
  await api(impostor.proc.url, impostor.admin, 'POST', '/v1/peers', { name: 'Washington', key: a.dir.identity.vkey, urls: [a.proc.linkUrl] });
  const dialed = /"reason":"Moscow's hello is not signed by its pinned key[^"]*","msg":"refused a link we dialed"/;
  const accepted = /"reason":"Moscow's hello is not signed by its pinned key[^"]*","msg":"refused a link"/;
  await eventually(async () => dialed.test(a.proc.output()) && accepted.test(a.proc.output()), 'both refusals logged', 15_000);
  assert.equal((await linkOf(a, 'Moscow')).status, 'down');
  assert.equal((await linkOf(impostor, 'Washington')).status, 'down');
});

test('a man in the middle with a valid TLS certificate of its own still fails', { timeout: 60_000 }, async () => {
  const a = await station('Paris');
  const b = await station('Kyiv');
  const bPort = Number(new URL(b.proc.linkUrl).port);
  // The attacker terminates TLS with its own certificate and opens its own TLS session to Kyiv.
  const pems = await generate([{ name: 'commonName', value: 'kyiv.example' }], { keyType: 'ec', curve: 'P-256' });
  const mitm = createTlsServer({ key: pems.private, cert: pems.cert }, (front) => {
    const back = tlsConnect({ host: '127.0.0.1', port: bPort, rejectUnauthorized: false });
    front.pipe(back).pipe(front);
    front.on('error', () => back.destroy());
    back.on('error', () => front.destroy());
  });
  await new Promise<void>((r) => mitm.listen(0, '127.0.0.1', r));
  closers.push(() => mitm.close());
  const mitmUrl = `wss://127.0.0.1:${(mitm.address() as { port: number }).port}/link`;
  // Kyiv pins Paris first: a dial that reached Kyiv before would be refused as unpinned, which is not what this test is about.
  await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Paris', key: a.dir.identity.vkey, urls: [] });
  await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Kyiv', key: b.dir.identity.vkey, urls: [mitmUrl] });
  await eventually(async () => /not signed by its pinned key for this TLS session/.test(a.proc.output() + b.proc.output()), 'the relayed hello refused as not bound to this TLS session', 10_000);
  assert.equal((await linkOf(a, 'Kyiv')).status, 'down');
  // Without the attacker, the same two stations link at once.
  await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Kyiv', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
  await eventually(async () => (await linkOf(a, 'Kyiv')).status === 'up', 'direct link up');
});

test('a party that shows a second history is refused, with the evidence kept and an alarm raised', { timeout: 90_000 }, async () => {
  const a = await station('Berlin');
  const b = await station('Warsaw');
  await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Warsaw', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
  await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Berlin', key: a.dir.identity.vkey, urls: [a.proc.linkUrl] });
  await api(a.proc.url, a.admin, 'POST', '/v1/lines', { id: 'fork', title: 'Fork', parties: [b.dir.identity.vkey], members: ['duty'] });
  for (let i = 0; i < 3; i++) await api(a.proc.url, a.duty, 'POST', '/v1/lines/fork/messages', { text: `shared ${i}` });
  await eventually(async () => (await api(b.proc.url, b.admin, 'PUT', '/v1/lines/fork/members', { members: ['duty'] })).status === 200, 'line at Warsaw');
  await eventually(async () => (await api(b.proc.url, b.duty, 'GET', '/v1/lines/fork/logs/Berlin/entries')).json?.size === 4, 'Warsaw holds 4 (the definition and 3 messages)');

  // Berlin's operator keeps a copy of the station (same key), then the two copies diverge.
  await a.proc.stop();
  const forkDir = mkdtempSync(join(tmpdir(), 'hotline-fork-'));
  closers.push(() => rmSync(forkDir, { recursive: true, force: true }));
  cpSync(a.dir.dir, forkDir, { recursive: true });
  const original = await station('Berlin', a.dir);
  await api(original.proc.url, original.duty, 'POST', '/v1/lines/fork/messages', { text: 'history one' });
  await eventually(async () => (await api(b.proc.url, b.duty, 'GET', '/v1/lines/fork/logs/Berlin/entries')).json?.size === 5, 'Warsaw holds 5');
  await original.proc.stop();

  // A copy that knows no peer cannot hear that it is behind (a linked one would recover from Warsaw
  // first, test/recovery.test.ts): it signs a second entry 4, and Warsaw hears of it once re-pinned.
  assert.equal((await cli(['peer', 'remove', 'Warsaw', '--dir', forkDir])).code, 0);
  const fork = await station('Berlin', { ...a.dir, dir: forkDir, cleanup: () => undefined });
  await api(fork.proc.url, fork.duty, 'POST', '/v1/lines/fork/messages', { text: 'history two' });
  await api(fork.proc.url, fork.admin, 'POST', '/v1/peers', { name: 'Warsaw', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
  const evidence = await eventually(async () => {
    const e = (await api(b.proc.url, b.admin, 'GET', '/v1/evidence')).json.evidence;
    return e.length > 0 && e;
  }, 'evidence at Warsaw');
  assert.equal(evidence[0].party, 'Berlin');
  assert.match(evidence[0].detail, /two different entries at position 4|not consistent/);
  // The evidence stands on its own: two statements signed by Berlin's key that cannot both be true.
  const key = parseVerifierKey(nodeCrypto, a.dir.identity.vkey);
  const subject = { line: 'fork', party: 'Berlin', key };
  const m = evidence[0].material;
  if (m.entries) {
    assert.equal(m.entries.length, 2);
    const [x, y] = m.entries.map((b: string) => verifyEntry(nodeCrypto, fromBase64(b), { line: 'fork', party: 'Berlin', seq: m.seq, publicKey: key.publicKey }));
    assert.notEqual(x.body.text, y.body.text);
  } else {
    const later = openCheckpoint(nodeCrypto, subject, m.checkpoint);
    const earlier = openCheckpoint(nodeCrypto, subject, m.earlierCheckpoint);
    assert.ok(later.size <= earlier.size);
    if (later.size === earlier.size) assert.notDeepEqual(later.root, earlier.root);
    else assert.ok(!verifyConsistency(nodeCrypto, later.size, earlier.size, m.consistencyProof.map(fromBase64), later.root, earlier.root));
  }
  await eventually(async () => /equivocation/.test(b.proc.output()), 'the alarm in the log', 5000);
  // Warsaw kept the first history it was shown.
  const held = (await api(b.proc.url, b.duty, 'GET', '/v1/lines/fork/logs/Berlin/entries')).json;
  assert.equal(held.entries.at(-1).body.text, 'history one');
});
