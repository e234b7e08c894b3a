import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { makeStationDir, PASSWORD, type StationDir } from '../../../test/support/station.ts';
import { Station } from '../station.ts';
import { buildApp } from './app.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../../node/crypto.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import { fromBase64 } from '../../core/encoding.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import { verifyConsistency, verifyInclusion } from '../../core/merkle/proof.ts';
import { openCheckpoint } from '../../core/log-verifier.ts';
import { decodeEntryBundle } from '../../core/tile.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { parseTlogProof } from '../../core/note/tlog-proof.ts';

// The API in-process (app.inject): every route, every error path, no sockets.

let dir: StationDir;
let station: Station;
let app: FastifyInstance;
const other = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);

const call = async (token: string | undefined, method: string, url: string, body?: unknown) => {
  const res = await app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  let json: any;
  try {
    json = res.json();
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, body: res.body, raw: res.rawPayload, headers: res.headers };
};

before(async () => {
  dir = await makeStationDir('Washington', { root: 'admin', austin: 'principal', duty: 'duty_officer', tr: 'translator', audit: 'auditor', outsider: 'principal' });
  station = await Station.open(dir.dir);
  app = await buildApp(station);
});

after(async () => {
  await app.close();
  await station.close();
  dir.cleanup();
});

test('health, station identity and OpenAPI need no login', async () => {
  assert.deepEqual((await call(undefined, 'GET', '/healthz')).json, { status: 'ok', role: 'single', leader: null });
  const info = (await call(undefined, 'GET', '/v1/station')).json;
  assert.equal(info.key, dir.identity.vkey);
  assert.match(info.fingerprint, /^\d{5}( \d{5}){5}$/);
  const doc = (await call(undefined, 'GET', '/openapi.json')).json;
  assert.equal(doc.openapi.startsWith('3.'), true);
  assert.ok(doc.paths['/v1/lines/{line}/messages']);
});

test('login with a password gives a session; wrong passwords and unknown names look the same', async () => {
  const ok = await call(undefined, 'POST', '/v1/session', { name: 'austin', password: PASSWORD });
  assert.equal(ok.status, 201);
  assert.equal((await call(ok.json.token, 'GET', '/v1/me')).json.name, 'austin');
  const wrong = await call(undefined, 'POST', '/v1/session', { name: 'austin', password: 'nope' });
  const unknown = await call(undefined, 'POST', '/v1/session', { name: 'nobody', password: 'nope' });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.json, unknown.json);
  assert.equal((await call(ok.json.token, 'DELETE', '/v1/session')).status, 204);
  assert.equal((await call(ok.json.token, 'GET', '/v1/me')).status, 401);
});

test('every protected endpoint refuses a missing or bad token with 401', async () => {
  for (const [method, url] of [['GET', '/v1/me'], ['GET', '/v1/lines'], ['POST', '/v1/lines'], ['GET', '/v1/members'], ['GET', '/v1/lines/x/logs/y/checkpoint']]) {
    assert.equal((await call(undefined, method, url, method === 'POST' ? {} : undefined)).status, 401, `${method} ${url}`);
    assert.equal((await call('hlt_forged', method, url, method === 'POST' ? {} : undefined)).status, 401, `${method} ${url}`);
  }
});

test('bad input gets a 400 with a reason, never a 500', async () => {
  const t = dir.tokens.root;
  for (const body of [{}, { title: 'x' }, { title: 'x', parties: ['garbage'], members: [] }, { title: 'x', parties: [], members: ['ghost'] }, { title: 'x', parties: [], members: [], extra: 1 }, { id: 'BAD ID', title: 'x', parties: [], members: [] }]) {
    const r = await call(t, 'POST', '/v1/lines', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.code, 'bad_request');
    assert.ok(r.json.error.message.length > 5);
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/lines', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, payload: '{nope' });
  assert.equal(notJson.statusCode, 400);
});

test('lines: admins create, members write, outsiders and non-members see nothing', async () => {
  const created = await call(dir.tokens.root, 'POST', '/v1/lines', { id: 'deconfliction', title: 'Deconfliction', parties: [other], members: ['austin', 'duty', 'tr'] });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json.parties.map((p: { name: string }) => p.name), ['Washington', 'Moscow']);
  assert.equal((await call(dir.tokens.root, 'POST', '/v1/lines', { id: 'deconfliction', title: 'again', parties: [], members: [] })).status, 409);
  assert.equal((await call(dir.tokens.austin, 'POST', '/v1/lines', { title: 'mine', parties: [], members: [] })).status, 403);

  const sent = await call(dir.tokens.austin, 'POST', '/v1/lines/deconfliction/messages', { text: 'Call requested', lang: 'en' });
  assert.equal(sent.status, 201);
  // Entry 0 of the creator's log is the line's signed definition.
  assert.equal(sent.json.seq, 1);
  assert.equal((await call(dir.tokens.duty, 'POST', '/v1/lines/deconfliction/messages', { text: 'Standing by' })).json.seq, 2);
  assert.equal((await call(dir.tokens.tr, 'POST', '/v1/lines/deconfliction/messages', { text: 'x' })).status, 403);
  // A principal not named on the line does not see it at all.
  assert.equal((await call(dir.tokens.outsider, 'POST', '/v1/lines/deconfliction/messages', { text: 'x' })).status, 404);
  assert.equal((await call(dir.tokens.austin, 'POST', '/v1/lines/deconfliction/messages', { text: '' })).status, 400);
  assert.equal((await call(dir.tokens.austin, 'POST', '/v1/lines/deconfliction/messages', { text: 'x'.repeat(70000) })).status, 400);

  const page = await call(dir.tokens.tr, 'GET', '/v1/lines/deconfliction/logs/Washington/entries?limit=2');
  assert.equal(page.status, 200);
  assert.deepEqual(page.json.entries.map((e: any) => [e.kind, e.body.text ?? e.body.title]), [['line.define', 'Deconfliction'], ['message', 'Call requested']]);
  assert.equal(page.json.next, 2);
  const page2 = await call(dir.tokens.audit, 'GET', '/v1/lines/deconfliction/logs/Washington/entries?start=2');
  assert.deepEqual(page2.json.entries.map((e: any) => [e.seq, e.body.from]), [[2, 'duty']]);
  assert.equal(page2.json.next, null);
  assert.equal((await call(dir.tokens.outsider, 'GET', '/v1/lines/deconfliction/logs/Washington/entries')).status, 404);
  // An admin not named on it sees the line (to manage it) but not its content.
  assert.equal((await call(dir.tokens.root, 'GET', '/v1/lines/deconfliction')).status, 200);
  assert.equal((await call(dir.tokens.root, 'GET', '/v1/lines/deconfliction/logs/Washington/entries')).status, 403);
  assert.deepEqual((await call(dir.tokens.outsider, 'GET', '/v1/lines')).json.lines, []);
});

test('a discreet line answers non-members exactly as a line that does not exist', async () => {
  const r = await call(dir.tokens.root, 'POST', '/v1/lines', { title: 'Backchannel', parties: [other], members: ['austin'], discreet: true });
  assert.equal(r.status, 201);
  const backchannel = r.json.id as string;
  await call(dir.tokens.austin, 'POST', `/v1/lines/${backchannel}/messages`, { text: 'quiet word' });
  const paths = ['', '/logs/Washington/entries', '/logs/Washington/checkpoint', '/logs/Washington/proof/inclusion?index=0', '/logs/Washington/tile/0/000.p/1', '/export'];
  for (const who of ['root', 'audit', 'duty', 'outsider']) {
    for (const p of paths) {
      const hidden = await call(dir.tokens[who], 'GET', `/v1/lines/${backchannel}${p}`);
      const missing = await call(dir.tokens[who], 'GET', `/v1/lines/no-such-line${p}`);
      assert.equal(hidden.status, 404, `${who} ${p}`);
      assert.equal(hidden.body, missing.body, `${who} ${p}`);
    }
    assert.ok(!(await call(dir.tokens[who], 'GET', '/v1/lines')).body.includes(backchannel), who);
  }
  assert.equal((await call(dir.tokens.duty, 'POST', `/v1/lines/${backchannel}/messages`, { text: 'x' })).body, (await call(dir.tokens.duty, 'POST', '/v1/lines/no-such-line/messages', { text: 'x' })).body);
  assert.equal((await call(dir.tokens.austin, 'GET', `/v1/lines/${backchannel}`)).status, 200);
  assert.ok(!(await call(undefined, 'GET', '/metrics')).body.includes(backchannel));
});

test('checkpoint, proofs, tiles and tlog-proof agree with each other', async () => {
  const t = dir.tokens.austin;
  for (let i = 0; i < 300; i++) await station.appender.append({ line: 'deconfliction', kind: 'message', body: { text: `m${i}`, from: 'austin' } });
  const base = '/v1/lines/deconfliction/logs/Washington';
  const note = (await call(t, 'GET', `${base}/checkpoint`)).body;
  const key = parseVerifierKey(nodeCrypto, dir.identity.vkey);
  const cp = openCheckpoint(nodeCrypto, { line: 'deconfliction', party: 'Washington', key }, note);
  assert.equal(cp.size, 303);

  const full = await call(t, 'GET', `${base}/tile/entries/000`);
  const entries = decodeEntryBundle(new Uint8Array(full.raw));
  assert.equal(entries.length, 256);
  const leaves = await call(t, 'GET', `${base}/tile/0/000`);
  assert.equal(leaves.raw.length, 256 * 32);
  assert.deepEqual(new Uint8Array(leaves.raw.subarray(0, 32)), leafHash(nodeCrypto, entries[0]));
  assert.equal(decodeEntryBundle(new Uint8Array((await call(t, 'GET', `${base}/tile/entries/001.p/47`)).raw)).length, 47);
  assert.equal((await call(t, 'GET', `${base}/tile/entries/001`)).status, 404);
  assert.equal((await call(t, 'GET', `${base}/tile/1/000.p/1`)).raw.length, 32);
  assert.equal((await call(t, 'GET', `${base}/tile/0/0000`)).status, 404);

  const inc = (await call(t, 'GET', `${base}/proof/inclusion?index=7`)).json;
  assert.ok(verifyInclusion(nodeCrypto, 7, 303, leafHash(nodeCrypto, entries[7]), inc.proof.map(fromBase64), cp.root));
  const old = (await call(t, 'GET', `${base}/proof/inclusion?index=0&size=100`)).json;
  assert.equal(old.size, 100);
  const cons = (await call(t, 'GET', `${base}/proof/consistency?from=100`)).json;
  assert.equal(cons.to, 303);
  assert.equal((await call(t, 'GET', `${base}/proof/inclusion?index=303`)).status, 400);
  assert.equal((await call(t, 'GET', `${base}/proof/inclusion?index=1&size=999`)).status, 400);
  assert.equal((await call(t, 'GET', `${base}/proof/consistency?from=400`)).status, 400);
  assert.equal((await call(t, 'GET', `${base}/proof/inclusion?index=abc`)).status, 400);
  assert.ok(verifyConsistency(nodeCrypto, 100, 303, cons.proof.map(fromBase64), rootAt(100), cp.root));

  const tp = parseTlogProof((await call(t, 'GET', `${base}/entries/9/proof`)).body);
  assert.equal(tp.index, 9);
  assert.ok(verifyInclusion(nodeCrypto, 9, 303, leafHash(nodeCrypto, entries[9]), tp.proof, cp.root));
  assert.equal((await call(t, 'GET', `${base}/entries/9`)).json.entry.seq, 9);
  assert.equal((await call(t, 'GET', `${base}/entries/999`)).status, 404);
  assert.equal((await call(t, 'GET', '/v1/lines/deconfliction/logs/Nobody/checkpoint')).status, 404);
  // Moscow has not written on this station yet: its log has no checkpoint here.
  assert.equal((await call(t, 'GET', '/v1/lines/deconfliction/logs/Moscow/checkpoint')).status, 404);

  function rootAt(size: number): Uint8Array {
    // Recompute the old root from the served leaves, independently of the proof code under test.
    const hashes = [...Array(size)].map((_, i) => new Uint8Array(leaves.raw.subarray(i * 32, i * 32 + 32)));
    return rootFromLeaves(hashes);
  }
});

import { rootFromLeafHashes } from '../../core/merkle/hash.ts';
const rootFromLeaves = (leaves: Uint8Array[]) => rootFromLeafHashes(nodeCrypto, leaves);

test('metrics are served in Prometheus text format', async () => {
  const m = await call(undefined, 'GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.body, /hotline_entries_appended_total\{kind="[a-z.]+"\} \d+/);
  assert.match(m.body, /hotline_http_requests_total\{/);
});

test('unknown routes are 404 with the error shape', async () => {
  const r = await call(undefined, 'GET', '/nope');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
});

test('bodies are not coerced, and text with no canonical JSON form is a 400', async () => {
  const t = dir.tokens.austin;
  assert.equal((await call(t, 'POST', '/v1/lines/deconfliction/messages', { text: 123 })).status, 400);
  const lone = await app.inject({ method: 'POST', url: '/v1/lines/deconfliction/messages', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, payload: '{"text":"a\\ud800b"}' });
  assert.equal(lone.statusCode, 400, lone.body);
  assert.equal((await call(t, 'GET', '/v1/lines/deconfliction/logs/Washington/entries?start=abc')).status, 400);
});

test('a discreet line cannot be given a chosen id, and leaves no trace in the metrics', async () => {
  const chosen = await call(dir.tokens.root, 'POST', '/v1/lines', { id: 'my-secret', title: 'x', parties: [], members: ['austin'], discreet: true });
  assert.equal(chosen.status, 400);
  const before = (await call(undefined, 'GET', '/metrics')).body;
  const line = (await call(dir.tokens.root, 'POST', '/v1/lines', { title: 'quiet', parties: [], members: ['austin'], discreet: true })).json;
  assert.match(line.id, /^ln-[0-9a-f]{24}$/);
  for (let i = 0; i < 3; i++) assert.equal((await call(dir.tokens.austin, 'POST', `/v1/lines/${line.id}/messages`, { text: 'quiet' })).status, 201);
  const strip = (m: string) => m.split('\n').filter((l) => l.startsWith('hotline_') && !l.includes('"/v1/lines"') && !l.includes('"/metrics"')).join('\n');
  assert.equal(strip((await call(undefined, 'GET', '/metrics')).body), strip(before));
});
