import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { api, fetchStation, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// Bad input against a real station process: every case found on main before
// issue 9 now gets a 4xx with a reason, and leaves nothing behind. Also: a
// caller without the right is refused before validation says anything about
// the schema, and concurrent requests for the same thing never surface a
// database constraint as a 500.

let dir: StationDir;
let station: StationProcess;
let url: string;
const L = '/v1/lines/edge-input';
let discreet: string;
let callId: string;
const t = (name: string) => dir.tokens[name];

before(async () => {
  dir = await makeStationDir('Washington', { root: 'admin', austin: 'principal', duty: 'duty_officer', tr: 'translator', audit: 'auditor', outsider: 'principal' });
  station = await startStation(dir.dir);
  url = station.url;
  const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
  assert.equal((await api(url, t('root'), 'POST', '/v1/lines', { id: 'edge-input', title: 'Edge', parties: [moscow], members: ['austin', 'duty', 'tr', 'audit'] })).status, 201);
  const d = await api(url, t('root'), 'POST', '/v1/lines', { title: 'Quiet', parties: [moscow], members: ['austin'], discreet: true });
  assert.equal(d.status, 201);
  discreet = d.json.id;
  const call = await api(url, t('austin'), 'POST', `${L}/calls`, {});
  assert.equal(call.status, 201, call.text);
  callId = call.json.id;
});

after(async () => {
  await station?.stop();
  dir?.cleanup();
});

/** A request with the body given as bytes, exactly as sent. */
async function raw(token: string | undefined, method: string, path: string, body: Buffer | string, contentType = 'application/json') {
  const res = await fetchStation(new URL(path, url), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

function refused(r: { status: number; json: any; text: string }, status: number, reason: RegExp, what: string) {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
  assert.equal(typeof r.json?.error?.code, 'string', `${what}: no error code in ${r.text}`);
  assert.match(r.json.error.message, reason, what);
}

/** Every entry this station holds on the line, as exact bytes: "stores nothing" means this does not change. */
async function logOf(line = 'edge-input'): Promise<string> {
  const r = await api(url, t('austin'), 'GET', `/v1/lines/${line}/logs/Washington/entries?limit=1000`);
  assert.equal(r.status, 200, r.text);
  return JSON.stringify(r.json.entries);
}

test('text with NUL, an unpaired surrogate or invalid UTF-8 is refused in messages, translations, drafts and labels, and nothing is stored', async () => {
  const before = await logOf();
  const draftBefore = await api(url, t('austin'), 'GET', `${L}/calls/${callId}/readout/draft`);
  const cases: Array<[string, string, string | Buffer, RegExp]> = [
    ['POST', `${L}/messages`, '{"text":"before\\u0000after"}', /body\/text contains a NUL character/],
    ['POST', `${L}/messages`, JSON.stringify({ text: 'raw NUL \u0000 in the bytes' }), /NUL/],
    ['POST', `${L}/messages`, '{"text":"half a pair \\ud83d"}', /unpaired surrogate/],
    ['POST', `${L}/messages`, '{"text":"\\udc00 the low half first"}', /unpaired surrogate/],
    ['POST', `${L}/messages`, Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]), /not valid UTF-8/],
    ['POST', `${L}/messages`, Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), /not valid UTF-8/],
    ['POST', `${L}/messages`, Buffer.concat([Buffer.from('{"text":"over'), Buffer.from([0xc0, 0xaf]), Buffer.from('long"}')]), /not valid UTF-8/],
    ['POST', `${L}/messages`, '{"text":"ok","lang":"en\\u0000"}', /body\/lang contains a NUL/],
    ['POST', `${L}/messages`, '{"text\\u0000":"a key with NUL"}', /a key in body contains a NUL/],
    ['PUT', `${L}/calls/${callId}/readout/draft`, '{"text":"draft \\u0000"}', /NUL/],
    ['PUT', `${L}/calls/${callId}/readout/draft`, '{"text":"draft \\ud800"}', /unpaired surrogate/],
    ['POST', `${L}/calls/${callId}/readout/publish`, '{"text":"\\ud800"}', /unpaired surrogate/],
    ['POST', '/v1/tokens', '{"label":"robot\\u0000"}', /NUL/],
    ['POST', '/v1/tokens', Buffer.concat([Buffer.from('{"label":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), /not valid UTF-8/],
    ['POST', `${L}/messages`, '{"text":"ok"}', /UTF-8, not latin1/],
  ];
  for (const [i, [method, path, body, reason]] of cases.entries()) {
    const r = await raw(t('austin'), method, path, body, i === cases.length - 1 ? 'application/json; charset=latin1' : 'application/json');
    refused(r, 400, reason, `${method} ${path} ${JSON.stringify(String(body))}`);
  }
  const tr = await raw(t('tr'), 'POST', `${L}/messages/${callId}/translations`, '{"text":"\\ud800","lang":"en","stage":"rough"}');
  refused(tr, 400, /unpaired surrogate/, 'translation');
  assert.equal(await logOf(), before, 'nothing was appended');
  assert.deepEqual((await api(url, t('austin'), 'GET', `${L}/calls/${callId}/readout/draft`)).json, draftBefore.json, 'the draft is untouched');
  const labels = (await api(url, t('austin'), 'GET', '/v1/tokens')).json;
  assert.ok(!JSON.stringify(labels).includes('robot'), 'no token was made');

  // The same text without the bad character goes through; astral characters are fine.
  assert.equal((await raw(t('austin'), 'POST', `${L}/messages`, '{"text":"before after 😀 \\ud83d\\ude00"}')).status, 201);
});

test('bodies that are not JSON, too deep, too large a number or with prototype keys are refused with the reason', async () => {
  const before = await logOf();
  const cases: Array<[string, string, number, RegExp]> = [
    ['{"text":1e400}', 'application/json', 400, /too large to represent/],
    ['{"text":"a","__proto__":{"admin":true}}', 'application/json', 400, /"__proto__" is not allowed/],
    ['{"text":"a","constructor":{"prototype":{}}}', 'application/json', 400, /"constructor" is not allowed/],
    ['{"text":' + '['.repeat(100) + ']'.repeat(100) + '}', 'application/json', 400, /nested more than 32 levels/],
    ['{"text":"unterminated', 'application/json', 400, /not valid JSON/],
    ['text=hello', 'application/x-www-form-urlencoded', 415, /must be application\/json/],
    ['hello', 'text/plain', 415, /must be application\/json/],
  ];
  for (const [body, type, status, reason] of cases) refused(await raw(t('austin'), 'POST', `${L}/messages`, body, type), status, reason, body.slice(0, 60));
  assert.equal(await logOf(), before);
});

test('numbers in paths and queries are plain decimal: 0x10 is not entry 16, %20 is not entry 0', async () => {
  const entries = `${L}/logs/Washington/entries`;
  assert.equal((await api(url, t('austin'), 'GET', `${entries}/0`)).status, 200);
  for (const bad of ['0x10', '%20', '1e1', '+1', '01', '-0', '1.0', '9'.repeat(20), '0b1', '%0A1']) {
    refused(await api(url, t('austin'), 'GET', `${entries}/${bad}`), 400, /params\/seq must be a whole number in plain decimal/, `entries/${bad}`);
    refused(await api(url, t('austin'), 'GET', `${entries}/${bad}/proof`), 400, /params\/seq/, `entries/${bad}/proof`);
  }
  for (const [query, reason] of [['limit=1e3', /querystring\/limit/], ['limit=0x10', /querystring\/limit/], ['limit=%20', /querystring\/limit/], ['limit=', /querystring\/limit/], ['open=1', /querystring\/open must be true or false/], ['limit=5&limit=6', /given once/]] as const) {
    refused(await api(url, t('austin'), 'GET', `${L}/messages?${query}`), 400, reason, query);
  }
  refused(await api(url, t('austin'), 'GET', `${L}/logs/Washington/proof/inclusion?index=0x0`), 400, /querystring\/index/, 'inclusion index');
  refused(await api(url, t('austin'), 'GET', `${L}/logs/Washington/entries?start=${2 ** 60}`), 400, /start/, 'a position beyond any log');
  refused(await api(url, t('root'), 'GET', '/v1/links/Moscow/history?hours=1e2'), 400, /querystring\/hours must be a number in plain decimal/, 'hours');
  assert.equal((await api(url, t('root'), 'GET', '/v1/links/Moscow/history?hours=1.5')).status === 400, false, 'a plain decimal fraction is a number');
  assert.equal((await api(url, t('austin'), 'GET', `${L}/messages?limit=5&open=true`)).status, 200);
});

test('a member without the right is refused (403, or 404 for a discreet line) before any schema detail', async () => {
  // Bodies that would fail validation: the refusal must not describe the schema.
  const invalid = { text: 5, surplus: true };
  refused(await api(url, t('tr'), 'POST', `${L}/messages`, invalid), 403, /only principals and duty officers/, 'translator writes');
  refused(await api(url, t('audit'), 'POST', `${L}/notices`, { kind: 'nonsense' }), 403, /file notices/, 'auditor files a notice');
  refused(await api(url, t('audit'), 'POST', `${L}/calls`, { toParty: 5 }), 403, /calls/, 'auditor calls');
  refused(await api(url, t('austin'), 'PATCH', `${L}/settings`, { ringSeconds: 'x' }), 403, /admin/, 'principal configures');
  refused(await api(url, t('austin'), 'PUT', `${L}/templates/0x1`, { texts: 7 }), 403, /admin/, 'principal defines a template');
  refused(await api(url, t('austin'), 'POST', '/v1/peers', { name: 5 }), 403, /only an admin may pin peers/, 'principal pins a peer');
  refused(await api(url, t('austin'), 'POST', '/v1/lines', { title: 5 }), 403, /only an admin may create lines/, 'principal creates a line');
  refused(await api(url, t('austin'), 'GET', `${L}/logs/Washington/entries/0x10`), 400, /params\/seq/, 'a reader is told about the number');
  refused(await api(url, t('tr'), 'GET', `/v1/lines/${discreet}/logs/Washington/entries/0x10`), 404, /no such line/, 'outsider, discreet line, bad number');
  // Also for bytes that are not even UTF-8: an outsider hears only "no such line".
  const bytes = Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff]), Buffer.from('"}')]);
  const hidden = await raw(t('outsider'), 'POST', `/v1/lines/${discreet}/messages`, bytes);
  const missing = await raw(t('outsider'), 'POST', '/v1/lines/ln-000000000000000000000000/messages', bytes);
  refused(hidden, 404, /no such line/, 'outsider posts bad bytes to a discreet line');
  assert.equal(hidden.text, missing.text, 'a discreet line and a missing one answer alike');
});

const start = Date.UTC(2030, 0, 1);
const notice = (over: Record<string, unknown>) => ({
  kind: 'exercise', area: { type: 'Point', coordinates: [30, 50], radius: 10_000 }, altitude: { lower: 0, upper: 1000 },
  window: { start, end: start + 3600_000 }, text: 'edge test', lang: 'en', ...over,
});

test('notices: bow-ties, rings with no area, windows in seconds or ending in 2^60 ms are refused, and nothing is filed', async () => {
  const before = await logOf();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ area: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } }, /crosses or touches itself/],
    [{ area: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [2, 2], [0, 0]]] } }, /no area/],
    [{ area: { type: 'Polygon', coordinates: [[[5, 5], [5, 5], [5, 5], [5, 5]]] } }, /3 different corners/],
    [{ area: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[20, 20], [21, 20], [21, 21], [20, 20]]] } }, /hole lies outside/],
    [{ window: { start: Math.floor(start / 1000), end: Math.floor(start / 1000) + 3600 } }, /window\.start .* outside 2000-01-01 \.\. 2100-01-01/],
    [{ window: { start, end: 2 ** 60 } }, /window\.end .* outside 2000-01-01 \.\. 2100-01-01/],
    [{ window: { start: 0, end: 1 } }, /window\.start/],
    [{ altitude: { lower: 0, upper: 1e308 } }, /altitude\/upper must be <=/],
    [{ text: 'a\u0000b' }, /NUL/],
  ];
  for (const [over, reason] of cases) refused(await api(url, t('austin'), 'POST', `${L}/notices`, notice(over)), 400, reason, JSON.stringify(over));
  refused(await raw(t('austin'), 'POST', `${L}/notices`, JSON.stringify(notice({})).replace('"radius":10000', '"radius":1e400')), 400, /too large to represent/, 'radius 1e400');
  assert.equal(await logOf(), before, 'no notice was filed');
  assert.equal((await api(url, t('austin'), 'GET', `${L}/notices`)).json.notices.length, 0);
  assert.equal((await api(url, t('austin'), 'POST', `${L}/notices`, notice({ area: { type: 'Polygon', coordinates: [[[0, 85], [10, 85], [10, 90], [0, 85]]] } }))).status, 201, 'a triangle reaching the pole is fine');
});

test('concurrent requests for the same thing: one wins, the others get a 4xx, never a 500', async () => {
  const line = (id: string) => ({ id, title: 'race', parties: [], members: [] });
  const lines = await Promise.all(Array.from({ length: 12 }, () => api(url, t('root'), 'POST', '/v1/lines', line('race-line'))));
  assert.deepEqual(lines.map((r) => r.status).sort(), [201, ...Array(11).fill(409)], lines.map((r) => `${r.status} ${r.text}`).join('\n'));

  const cancels = await Promise.all(Array.from({ length: 8 }, () => api(url, t('austin'), 'POST', `${L}/calls/${callId}/cancel`, {})));
  assert.deepEqual(cancels.map((r) => r.status).sort(), [201, ...Array(7).fill(409)], cancels.map((r) => r.text).join('\n'));

  const filed = await api(url, t('austin'), 'POST', `${L}/notices`, notice({ text: 'to withdraw' }));
  assert.equal(filed.status, 201);
  const withdrawals = await Promise.all(Array.from({ length: 8 }, () => api(url, t('duty'), 'POST', `${L}/notices/${filed.json.id}/withdraw`, {})));
  assert.deepEqual(withdrawals.map((r) => r.status).sort(), [201, ...Array(7).fill(409)]);

  const drafts = await Promise.all(Array.from({ length: 10 }, (_, i) => api(url, t(i % 2 ? 'austin' : 'duty'), 'PUT', `${L}/calls/${callId}/readout/draft`, { text: `draft ${i}` })));
  assert.deepEqual([...new Set(drafts.map((r) => r.status))], [200]);
  const publishes = await Promise.all(Array.from({ length: 6 }, (_, i) => api(url, t('austin'), 'POST', `${L}/calls/${callId}/readout/publish`, { text: `version ${i}` })));
  assert.ok(publishes.every((r) => r.status === 201), publishes.map((r) => r.text).join('\n'));

  const members = await Promise.all(Array.from({ length: 8 }, () => api(url, t('root'), 'PUT', `${L}/members`, { members: ['austin', 'duty', 'tr', 'audit', 'austin'] })));
  assert.deepEqual([...new Set(members.map((r) => r.status))], [200], members.map((r) => r.text).join('\n'));
  assert.equal((await fetchStation(new URL('/healthz', url))).status, 200);
});
