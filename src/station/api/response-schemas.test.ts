import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { makeStationDir, type StationDir } from '../../../test/support/station.ts';
import { Station } from '../station.ts';
import { buildApp } from './app.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../../node/crypto.ts';
import { formatVerifierKey } from '../../core/note/key.ts';

// Fastify writes each JSON reply through the route's response schema, and
// that serializer drops every property the schema does not name. So a view
// field missing from its src/wire schema would vanish from the wire without
// an error. Here every line route answers, and each reply must be exactly
// what its handler built.

let dir: StationDir;
let station: Station;
let app: FastifyInstance;
const built = new Map<string, unknown>();
let probe = 0;
const L = '/v1/lines/deconfliction';

before(async () => {
  dir = await makeStationDir('Washington', { root: 'admin', austin: 'principal', duty: 'duty_officer', tr: 'translator' });
  station = await Station.open(dir.dir);
  app = await buildApp(station);
  app.addHook('preSerialization', async (req, _reply, payload) => {
    built.set(String(req.headers['x-probe']), JSON.parse(JSON.stringify(payload)));
    return payload;
  });
});

after(async () => {
  await app.close();
  await station.close();
  dir.cleanup();
});

/** The reply, after checking that the served JSON is the handler's payload. */
async function call(who: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const id = String(++probe);
  const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${dir.tokens[who]}`, 'x-probe': id }, ...(body !== undefined ? { payload: body as object } : {}) });
  const json = res.json();
  assert.ok(built.has(id), `${method} ${url}: the handler's payload was seen`);
  assert.ok(isDeepStrictEqual(json, built.get(id)), `${method} ${url} served ${JSON.stringify(json)}\nbut its handler built ${JSON.stringify(built.get(id))}`);
  return { status: res.statusCode, json };
}

test('every line route serves exactly what its handler built: the response schemas drop nothing', async () => {
  const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
  const ok = async (who: string, method: string, url: string, body?: unknown) => {
    const r = await call(who, method, url, body);
    assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const now = Date.now();
  await ok('root', 'POST', '/v1/lines', { id: 'deconfliction', title: 'Deconfliction', parties: [moscow], members: ['austin', 'duty', 'tr'] });
  await ok('root', 'PATCH', `${L}/settings`, { ringSeconds: 30, checks: { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: ['00:00', '12:00'], windowMinutes: 10 } });
  await ok('root', 'PUT', `${L}/templates/7`, { title: 'line check', texts: { en: 'Line test', ru: 'Проверка линии' }, precedence: 'IMMEDIATE' });
  await ok('root', 'PUT', `${L}/roster`, { members: ['duty', 'austin'] });
  const message = await ok('austin', 'POST', `${L}/messages`, { text: 'Flight operations at 14:00Z', precedence: 'FLASH', lang: 'en' });
  await ok('duty', 'POST', `${L}/messages`, { template: 7, lang: 'ru' });
  await ok('tr', 'POST', `${L}/messages/${message.id}/translations`, { text: 'Полёты в 14:00Z', lang: 'ru', stage: 'sight' });
  const placed = await ok('austin', 'POST', `${L}/calls`, { to: 'Ivanov' });
  await ok('austin', 'PUT', `${L}/calls/${placed.id}/readout/draft`, { text: 'We spoke about the exercise', lang: 'en' });
  await ok('austin', 'POST', `${L}/calls/${placed.id}/readout/publish`, { public: true });
  await ok('austin', 'POST', `${L}/calls/${placed.id}/cancel`, {});
  const window = { start: now, end: now + 3_600_000 };
  const circle = await ok('austin', 'POST', `${L}/notices`, { kind: 'exercise', area: { type: 'Point', coordinates: [30.5, 50.4], radius: 1500.5 }, altitude: { lower: 0, upper: 12000.5 }, window, text: 'Exercise', lang: 'en' });
  await ok('austin', 'POST', `${L}/notices`, { kind: 'flight_operations', area: { type: 'Polygon', coordinates: [[[30, 50], [31, 50], [31, 51], [30, 50]]] }, altitude: { lower: 0, upper: 1000 }, window, text: 'Flights' });
  await ok('austin', 'POST', `${L}/notices/${circle.id}/withdraw`, { reason: 'done' });

  const reads = [
    '/v1/lines', L, `${L}/messages`, `${L}/messages?open=true&limit=1`, `${L}/messages/${message.id}`, `${L}/calls`, `${L}/calls/${placed.id}`,
    `${L}/calls/${placed.id}/readouts`, `${L}/calls/${placed.id}/readout/draft`, '/v1/public/readouts', `${L}/notices`, `${L}/notices/${circle.id}`,
    `${L}/conflicts`, `${L}/checks`, `${L}/history`, `${L}/summary`, `${L}/settings`, `${L}/templates`, `${L}/roster`, `${L}/transcript`,
    `${L}/transcript?start=1&limit=2`, `${L}/logs/Washington/entries`, `${L}/logs/Washington/entries/1`, `${L}/logs/Washington/cosignatures`,
    `${L}/logs/Washington/proof/inclusion?index=1`, `${L}/logs/Washington/proof/consistency?from=1`, `${L}/export`,
  ];
  for (const url of reads) await ok('austin', 'GET', url);
  const history = await ok('austin', 'GET', `${L}/history`);
  assert.equal(history.timeline[0].status, 'cancelled');
  const notices = await ok('austin', 'GET', `${L}/notices`);
  assert.equal(notices.notices.find((n: any) => n.id === circle.id).area.radius, 1500.5, 'numbers keep their fractions');
  await ok('root', 'GET', '/v1/station/integrity-check');
  await ok('root', 'POST', '/v1/station/integrity-check?wait=true');

  // Errors keep their details too.
  const own = await call('austin', 'POST', `${L}/items/${message.id}/ack`);
  assert.equal(own.status, 409);
  assert.equal((await call('austin', 'GET', `${L}/messages/Moscow:9`)).status, 404);
  assert.equal((await call('austin', 'GET', `${L}/messages?limit=0`)).status, 400);
});
