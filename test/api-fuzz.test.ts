import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { buildApp } from '../src/station/api/app.ts';
import { defaultPolicy } from '../src/station/sign-in/policy.ts';
import { Station } from '../src/station/station.ts';
import { cli, fetchStation, makeStationDir, startStation, tlsFor, type StationDir, type StationProcess } from './support/station.ts';
import { changesWorld, operationsOf, requestFor, type HostileRequest, type Operation, type World } from './support/hostile.ts';
import { tokenExpiry } from '../src/station/sign-in/token-lifetime.ts';

// Property-based fuzzing of every operation the station's OpenAPI document
// lists: hostile bodies, parameters, headers and tokens of every role. No
// request may get a 5xx or an error without a code and a reason, the station
// must keep answering, and afterwards its logs must still verify. The bulk
// runs in-process (app.inject); a smaller pass goes through a real station
// process, with the requests only a real socket can carry. Bounded: a fixed
// number of runs per operation. The seed is printed; HOTLINE_FUZZ_SEED
// replays a run, HOTLINE_FUZZ_RUNS changes its size.

const SEED = Number(process.env.HOTLINE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.HOTLINE_FUZZ_RUNS ?? 30);
const PROCESS_RUNS = Math.max(2, Math.round(RUNS / 10));
const ROLES = ['principal', 'duty_officer', 'translator', 'auditor', 'admin'] as const;

let dir: StationDir;
let world: World;
let ops: Operation[];
let vkey: string;
let verifyToken: string;
let proc: StationProcess | undefined;

let closed = false;
after(async () => {
  if (!closed) await closeInProcess();
  await proc?.stop();
  dir?.cleanup();
});

async function closeInProcess() {
  closed = true;
  await app?.close();
  await station?.close();
}

async function inject(app: FastifyInstance, method: string, url: string, body?: unknown, token?: string) {
  const res = await app.inject({ method: method as 'GET', url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { payload: body as object } : {}) });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Why the answer is wrong, or null: no 5xx, and every error a JSON {"error":{"code","message"}}. */
function wrong(req: { method: string }, status: number, body: string, headers: Record<string, unknown> = {}): string | null {
  // The one 5xx a station may give: "unavailable, try again" (a peer's link down, a log being recovered), with a code,
  // a reason and Retry-After. Anything else in 5xx is a failure.
  const tryAgain = status === 503 && headers['retry-after'] !== undefined && /"code":"unavailable"/.test(body);
  if (status >= 500 && !tryAgain) return `answered ${status}: ${body.slice(0, 300)}`;
  if (status >= 400 && req.method !== 'HEAD') {
    let json: any;
    try {
      json = JSON.parse(body);
    } catch {
      return `answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
    }
    if (typeof json?.error?.code !== 'string' || typeof json.error.message !== 'string' || json.error.message.length === 0) return `answered ${status} without an error code and message: ${body.slice(0, 200)}`;
  }
  return null;
}

let app: FastifyInstance;
let station: Station;

before(async () => {
  const members: Record<string, string> = { 'fuzz-scratch': 'translator', 'fz-outsider': 'principal' };
  for (const r of ROLES) members[`fz-${r}`] = r;
  dir = await makeStationDir('Washington', members);
  vkey = dir.identity.vkey;
  station = await Station.open(dir.dir);
  app = await buildApp(station);
  const admin = dir.tokens['fz-admin'];
  const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
  const named = ROLES.map((r) => `fz-${r}`);
  await inject(app, 'POST', '/v1/lines', { id: 'fuzz-line', title: 'Fuzz', parties: [moscow], members: named }, admin);
  const discreet = await inject(app, 'POST', '/v1/lines', { title: 'Fuzz discreet', parties: [moscow], members: named, discreet: true }, admin);
  const L = '/v1/lines/fuzz-line';
  const speaker = dir.tokens['fz-principal'];
  const msg = await inject(app, 'POST', `${L}/messages`, { text: 'first', lang: 'en' }, speaker);
  const notice = await inject(app, 'POST', `${L}/notices`, {
    kind: 'exercise', area: { type: 'Point', coordinates: [30, 50], radius: 50_000 }, altitude: { lower: 0, upper: 1000 },
    window: { start: Date.now() + 3600_000, end: Date.now() + 7200_000 }, text: 'notice', lang: 'en',
  }, speaker);
  const call = await inject(app, 'POST', `${L}/calls`, {}, speaker);
  await inject(app, 'PUT', `${L}/calls/${call.id}/readout/draft`, { text: 'draft', lang: 'en' }, speaker);
  const tokens: Record<string, string> = {};
  for (const [name, token] of Object.entries(dir.tokens)) if (name !== 'fuzz-scratch') tokens[name] = token;
  world = {
    lines: ['fuzz-line', discreet.id], parties: ['Washington', 'Moscow'], items: [msg.id, notice.id, call.id],
    members: [...named, 'fz-outsider'], peers: ['Moscow'], tokens, keys: [moscow, vkey], now: Date.now(),
  };
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  ops = operationsOf(doc);
  assert.ok(ops.length >= 50, `the OpenAPI document lists only ${ops.length} operations`);
});

/** Tokens an operation may use up: logging out revokes the token it is called with. */
async function worldFor(op: Operation): Promise<World> {
  if (!(op.method === 'DELETE' && op.path === '/v1/session')) return world;
  const spare: Record<string, string> = {};
  for (const r of ROLES) {
    const m = await station.store.memberByName(`fz-${r}`);
    for (let i = 0; i < 3; i++) spare[`${r}-${i}`] = await station.auth.issue(m!.id, 'token', 'fuzz spare', tokenExpiry(Date.now(), undefined));
  }
  return { ...world, tokens: spare };
}

test(`every operation in /openapi.json, in-process: no 5xx but "unavailable, try again", every error with a code and a reason (seed ${SEED}, ${RUNS} runs each)`, { timeout: 240_000 }, async (t) => {
  const started = Date.now();
  let requests = 0;
  const reached = new Set<string>();
  try {
    for (const [i, op] of ops.entries()) {
      const w = await worldFor(op);
      await fc.assert(fc.asyncProperty(requestFor(op, w), async (req: HostileRequest) => {
        requests++;
        const res = await app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload ? { payload: req.payload } : {}) });
        const problem = wrong(req, res.statusCode, res.body, res.headers);
        assert.equal(problem, null, `${req.describe}\n  ${problem}`);
        if (res.statusCode < 300) reached.add(`${op.method} ${op.path}`);
      }), { includeErrorInReport: true, seed: SEED + i, numRuns: op.path === '/v1/session' || op.path.startsWith('/v1/session/') ? Math.ceil(RUNS / 3) : RUNS });
    }
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    t.diagnostic(`${requests} requests over ${ops.length} operations in ${Date.now() - started} ms (seed ${SEED}); ${reached.size} operations answered 2xx at least once`);
    t.diagnostic(`never 2xx: ${ops.map((o) => `${o.method} ${o.path}`).filter((k) => !reached.has(k)).join(', ')}`);
    // What the fuzzing was allowed to change and the real pass needs back, as an operator would put it back:
    // the security policy (it may now ask every role for a second factor) and who is named on the lines.
    await station.store.setSetting('security_policy', defaultPolicy);
    const named = await Promise.all(ROLES.map(async (r) => (await station.store.memberByName(`fz-${r}`))!.id));
    for (const line of world.lines) await station.store.setLineMembers(line, named);
    const principal = await station.store.memberByName('fz-principal');
    verifyToken = await station.auth.issue(principal!.id, 'token', 'verify after fuzzing', tokenExpiry(Date.now(), undefined));
  } finally {
    await closeInProcess();
  }
});

/** A request on a raw socket: for bytes no HTTP client library would send. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const port = Number(u.port);
    const socket = u.protocol === 'https:' ? tlsConnect({ host: u.hostname, port, servername: 'localhost', ...tlsFor(url) }) : netConnect({ host: u.hostname, port });
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('end', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.on('error', (e) => (got ? resolve(got) : reject(e)));
    socket.once(u.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.write(bytes, 'latin1'));
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

test(`a real station process survives a hostile pass (seed ${SEED}), keeps answering /healthz, and its logs verify`, { timeout: 180_000 }, async (t) => {
  assert.ok(verifyToken, 'the in-process pass did not finish');
  proc = await startStation(dir.dir);
  const url = proc.url;
  let requests = 0;
  for (const [i, op] of ops.entries()) {
    // Fuzzed in-process already; here they could leave the verifier below without the right to read.
    if (changesWorld(op)) continue;
    await fc.assert(fc.asyncProperty(requestFor(op, world), async (req: HostileRequest) => {
      requests++;
      const res = await fetchStation(new URL(req.url, url), { method: req.method, headers: req.headers, body: req.payload });
      const problem = wrong(req, res.status, await res.text(), Object.fromEntries(res.headers));
      assert.equal(problem, null, `${req.describe}\n  ${problem}`);
    }), { includeErrorInReport: true, seed: SEED + 7919 + i, numRuns: PROCESS_RUNS });
  }

  // What only a socket carries: headers beyond the server's limit, a body
  // larger than the limit, a broken request line, a body cut short.
  const huge = await fetchStation(new URL('/v1/me', url), { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
  assert.equal(huge.status, 431, 'headers larger than the limit');
  const big = await fetchStation(new URL('/v1/session', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', password: 'x'.repeat(300_000) }) });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.code, 'too_large');
  assert.match(await rawExchange(url, 'GARBAGE / NOT-HTTP\r\n\r\n'), /^HTTP\/1\.1 400/);
  assert.match(await rawExchange(url, `POST /v1/lines/fuzz-line/messages HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${verifyToken}\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{"text":`).catch(() => ''), /^(HTTP\/1\.1 [34]\d\d|)/);
  assert.match(await rawExchange(url, `GET /v1/lines/fuzz-line/logs/Washington/entries/%ff%fe HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${verifyToken}\r\nconnection: close\r\n\r\n`), /^HTTP\/1\.1 4\d\d/);

  const health = await fetchStation(new URL('/healthz', url));
  assert.equal(health.status, 200, 'the station still answers');
  assert.equal(proc.proc.exitCode, null, 'the station process is still running');
  t.diagnostic(`${requests} hostile requests through the real process`);

  for (const line of world.lines) {
    const verified = await cli(['verify', '--url', url, '--token', verifyToken, '--line', line, '--key', vkey, '--party', 'Washington']);
    // 11: all that is here verified, but Moscow never joined, so its log cannot be checked.
    assert.ok(verified.code === 0 || verified.code === 11, `hotline verify on ${line}: exit ${verified.code}\n${verified.stdout}\n${verified.stderr}`);
    assert.match(verified.stdout, /^ok +Washington: \d+ entries verified/m);
    assert.match(verified.stdout, /^ok +definition:/m);
  }
});
