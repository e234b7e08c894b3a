import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { makeStationDir, PASSWORD, type StationDir } from '../../../test/support/station.ts';
import { buildApp } from '../api/app.ts';
import { readConfig } from '../config.ts';
import { openIdentity } from '../identity.ts';
import { Station } from '../station.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';

// Session lifetimes, idle timeouts and throttle waits through the real API,
// in-process, on a clock the test moves: nothing here waits for real time.

let dir: StationDir;
let station: Station;
let app: FastifyInstance;
let now = Date.UTC(2026, 0, 5, 9, 0);
const advance = (ms: number) => void (now += ms);
const MINUTE = 60_000;

before(async () => {
  dir = await makeStationDir('Washington', { root: 'admin', alice: 'principal', bob: 'principal' });
  const config = { ...readConfig(dir.dir), sessionHours: 2 };
  station = new Station({ config, identity: openIdentity(dir.dir, config), store: new SqliteStore(join(dir.dir, config.database)), clock: () => now });
  app = await buildApp(station);
});

after(async () => {
  await app.close();
  await station.close();
  dir.cleanup();
});

async function call(token: string | undefined, method: string, url: string, body?: unknown) {
  const res = await app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, json: res.json(), headers: res.headers };
}

async function signIn(name: string): Promise<string> {
  const r = await call(undefined, 'POST', '/v1/session', { name, password: PASSWORD });
  assert.equal(r.status, 201);
  return r.json.token;
}

test('a session unused for the idle timeout ends; one in use lives until its lifetime', async () => {
  const policy = (await call(dir.tokens.root, 'GET', '/v1/security/policy')).json;
  assert.equal((await call(dir.tokens.root, 'PUT', '/v1/security/policy', { ...policy, idleMinutes: 15 })).status, 200);

  const idle = await signIn('alice');
  const login = await call(undefined, 'POST', '/v1/session', { name: 'alice', password: PASSWORD });
  assert.equal(login.json.idleMinutes, 15);
  assert.equal(login.json.expiresAt, now + 2 * 3600_000);
  const busy = login.json.token;

  advance(14 * MINUTE);
  assert.equal((await call(idle, 'GET', '/v1/me')).status, 200, 'used after 14 minutes');
  advance(14 * MINUTE);
  assert.equal((await call(idle, 'GET', '/v1/me')).status, 200, 'and again 14 minutes after that');
  advance(15 * MINUTE);
  const ended = await call(idle, 'GET', '/v1/me');
  assert.equal(ended.status, 401, 'unused for 15 minutes');
  assert.match(ended.json.error.message, /ended after 15 minutes without use/);
  advance(-15 * MINUTE);
  assert.equal((await call(idle, 'GET', '/v1/me')).status, 401, 'an idle session is gone for good, not just for now');
  advance(15 * MINUTE);

  // The busy session was last used at sign-in, 43 minutes ago: idle too.
  assert.equal((await call(busy, 'GET', '/v1/me')).status, 401);
  const fresh = await signIn('alice');
  for (let t = 0; t < 119; t += 10) {
    assert.equal((await call(fresh, 'GET', '/v1/me')).status, 200, `in use at ${t} min`);
    advance(10 * MINUTE);
  }
  assert.equal((await call(fresh, 'GET', '/v1/me')).status, 401, 'past its two-hour lifetime, however busy');

  // API tokens have no idle timeout: automation may be quiet for days.
  advance(3 * 24 * 60 * MINUTE);
  assert.equal((await call(dir.tokens.bob, 'GET', '/v1/me')).status, 200);
  await call(dir.tokens.root, 'PUT', '/v1/security/policy', policy);
});

test('an API token expires at its lifetime', async () => {
  const made = await call(dir.tokens.bob, 'POST', '/v1/tokens', { label: 'short', expiresInHours: 1 });
  assert.equal(made.status, 201);
  advance(59 * MINUTE);
  assert.equal((await call(made.json.token, 'GET', '/v1/me')).status, 200);
  advance(MINUTE);
  assert.equal((await call(made.json.token, 'GET', '/v1/me')).status, 401);
  assert.equal((await call(dir.tokens.bob, 'GET', '/v1/tokens')).json.some((t: { id: string }) => t.id === made.json.id), false, 'expired tokens are not listed');
});

test('each failure past the free ones doubles the wait; after the wait the attempt is heard', async () => {
  const attempt = (password: string) => call(undefined, 'POST', '/v1/session', { name: 'bob', password });
  for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong')).status, 401);
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    const held = await attempt('wrong');
    assert.equal(held.status, 429);
    waits.push(Number(held.headers['retry-after']));
    advance(waits.at(-1)! * 1000);
    assert.equal((await attempt('wrong')).status, 401, 'heard after the wait');
  }
  assert.deepEqual(waits, [1, 2, 4, 8]);
  advance(16_000);
  assert.equal((await attempt(PASSWORD)).status, 201);
  assert.equal((await attempt('wrong')).status, 401, 'a success starts the count afresh');
});
