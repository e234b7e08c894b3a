import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { canOnLine, canSeeLine, type LineAccess, type Member } from '../src/core/policy.ts';
import type { Role } from '../src/core/role.ts';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { api, eventually, makeStationDir, startStation, tlsFor, type StationDir, type StationProcess } from './support/station.ts';
import {
  hiddenEndpoints, INSIDERS, lineEndpoints, OUTSIDERS, stationEndpoints,
  type LineEndpoint, type LineFixture, type Method,
} from './support/authz-table.ts';

// Authorisation, end to end, against two real linked stations: every endpoint
// and every live event type, for every role named on a line and every role
// not named on it, and for anonymous callers. A discreet line must be
// indistinguishable from a line that does not exist to anyone not named on
// it: same status, same body, same headers, no event, no listing, no count.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const sockets: WebSocket[] = [];
after(async () => {
  for (const s of sockets) s.terminate();
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
});

const ALL = [...INSIDERS, ...OUTSIDERS];
const roleOf = (name: string) => name.replace(/^(in|out)-/, '') as Role;
const memberOf = (name: string): Member => ({ id: 0, name, role: roleOf(name) });
const accessOf = (f: LineFixture, name: string): LineAccess => ({ discreet: f.discreet, isMember: INSIDERS.includes(name), unassigned: false });
const may = (f: LineFixture, name: string, need: LineEndpoint['need']) => canOnLine(memberOf(name), accessOf(f, name), need);
const sees = (f: LineFixture, name: string) => canSeeLine(memberOf(name), accessOf(f, name));

interface Reply { status: number; text: string; json: any; headers: Record<string, string> }
// Headers that differ between any two responses whatever they are about.
const VOLATILE = new Set(['date', 'keep-alive', 'connection']);

async function http(base: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> {
  const reply = await api(base, token, method, path, body);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers)) if (!VOLATILE.has(k)) headers[k] = v;
  return { ...reply, headers };
}

interface Stream { name: string; raw: string[]; events: any[] }

// The world the tests share, built once in before().
let W: { url: string; dir: StationDir };
let M: { url: string; dir: StationDir };
let ord: LineFixture;
/** A discreet line Washington created, and one Moscow created and offered to Washington. */
let disc: LineFixture;
let discM: LineFixture;
let lines: LineFixture[];
/** What the unassigned-discreet-line checks in before() found wrong. */
const unassignedProblems: string[] = [];
/** Same-shaped ids of lines that do not exist. */
let fake: Map<LineFixture, string>;
let streams: Stream[];
let parisKey: string;
const w = (name: string, method: Method, path: string, body?: unknown) => http(W.url, W.dir.tokens[name], method, path, body);
const m = (name: string, method: Method, path: string, body?: unknown) => http(M.url, M.dir.tokens[name], method, path, body);

async function ok(r: Promise<Reply>, status: number, what: string): Promise<any> {
  const reply = await r;
  assert.equal(reply.status, status, `${what}: ${reply.status} ${reply.text}`);
  return reply.json;
}

async function openStream(name: string, viaTicket: boolean): Promise<Stream> {
  let url = `${W.url.replace(/^http/, 'ws')}/v1/events`;
  const headers: Record<string, string> = {};
  if (viaTicket) url += `?ticket=${encodeURIComponent((await ok(w(name, 'POST', '/v1/events/ticket'), 200, 'ticket')).ticket)}`;
  else headers.authorization = `Bearer ${W.dir.tokens[name]}`;
  const ws = new WebSocket(url, { headers, ...tlsFor(url) });
  sockets.push(ws);
  const s: Stream = { name, raw: [], events: [] };
  ws.on('message', (data) => {
    const text = data.toString();
    s.raw.push(text);
    s.events.push(JSON.parse(text));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`${name}: upgrade refused with ${res.statusCode}`)));
  });
  await eventually(async () => s.events.some((e) => e.type === 'hello'), `hello for ${name}`);
  return s;
}

/** What an unauthenticated upgrade gets: the HTTP status. */
function refusedUpgrade(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { ...tlsFor(url) });
    ws.on('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    ws.on('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

const hourly = { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: [...Array(24)].map((_, h) => `${String(h).padStart(2, '0')}:00`), windowMinutes: 60 };
const deadlines = { FLASH: 10, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 };
const overlapping = (text: string) => ({
  kind: 'flight_operations', area: { type: 'Point', coordinates: [30, 50], radius: 50_000 }, altitude: { lower: 0, upper: 10_000 },
  window: { start: Date.now(), end: Date.now() + 2 * 3600_000 }, text, lang: 'en',
});

/** Content on one line from both sides; returns the ids the matrix uses. */
async function populate(line: { id: string; title: string; discreet: boolean }): Promise<LineFixture> {
  const L = `/v1/lines/${line.id}`;
  const f: LineFixture = { ...line, msgOurs: '', msgTheirs: '', callDeclined: '', noticeOurs: '', ackFor: {}, acceptFor: {}, declineFor: {}, own: {} };
  // Settings, a template and a roster; an hourly check call goes out at once.
  await ok(w('in-admin', 'PATCH', `${L}/settings`, { deadlines, ringSeconds: 600, checks: hourly }), 201, 'settings');
  await ok(w('in-admin', 'PUT', `${L}/templates/1`, { title: 'Receipt', texts: { en: 'Received.', ru: 'Получено.' } }), 201, 'template');
  await ok(w('in-admin', 'PUT', `${L}/roster`, { members: ['in-duty_officer', 'in-principal'] }), 200, 'roster');

  // Moscow names its own people on the line and sets a 10 s FLASH deadline and a long ring.
  await eventually(async () => (await m('root', 'PUT', `${L}/members`, { members: ['duty', 'root'] })).status === 200, `${line.title} at Moscow`);
  await ok(m('root', 'PATCH', `${L}/settings`, { deadlines, ringSeconds: 600 }), 201, 'Moscow settings');

  f.msgOurs = (await ok(w('in-duty_officer', 'POST', `${L}/messages`, { text: 'Washington: routine traffic', lang: 'en' }), 201, 'message')).id;
  // Nobody at Moscow acknowledges this one: Washington's sender-side deadline passes after 10 s.
  await ok(w('in-principal', 'POST', `${L}/messages`, { text: 'Washington: FLASH', precedence: 'FLASH', lang: 'en' }), 201, 'flash');

  const speakers = ALL.filter((n) => may(f, n, 'acknowledge'));
  const callers = ALL.filter((n) => may(f, n, 'call'));
  const send = async (text: string, precedence = 'ROUTINE') => (await ok(m('duty', 'POST', `${L}/messages`, { text, precedence, lang: 'en' }), 201, 'Moscow message')).id as string;
  f.msgTheirs = await send('Moscow: routine traffic');
  for (const n of speakers) f.ackFor[n] = await send(`Moscow: for ${n} to acknowledge`);
  // Nobody at Washington acknowledges this one: Washington escalates it after 10 s.
  const flashTheirs = await send('Moscow: FLASH', 'FLASH');
  const place = async () => (await ok(m('duty', 'POST', `${L}/calls`, {}), 201, 'Moscow call')).id as string;
  f.callDeclined = await place();
  const ringing = await place();
  for (const n of callers) f.acceptFor[n] = await place();
  for (const n of callers) f.declineFor[n] = await place();
  const theirNotice = (await ok(m('duty', 'POST', `${L}/notices`, overlapping('Moscow exercise')), 201, 'Moscow notice')).id;

  const want = [f.msgTheirs, flashTheirs, ...Object.values(f.ackFor)];
  const calls = [f.callDeclined, ringing, ...Object.values(f.acceptFor), ...Object.values(f.declineFor)];
  await eventually(async () => {
    const msgs = (await w('in-duty_officer', 'GET', `${L}/messages`)).json?.messages?.map((x: any) => x.id) ?? [];
    const held = (await w('in-duty_officer', 'GET', `${L}/calls`)).json?.calls?.map((x: any) => x.id) ?? [];
    const notices = (await w('in-duty_officer', 'GET', `${L}/notices`)).json?.notices?.map((x: any) => x.id) ?? [];
    return want.every((id) => msgs.includes(id)) && calls.every((id) => held.includes(id)) && notices.includes(theirNotice);
  }, `Moscow's entries at Washington on ${line.title}`);

  await ok(w('in-duty_officer', 'POST', `${L}/items/${f.msgTheirs}/ack`), 201, 'ack');
  await ok(w('in-translator', 'POST', `${L}/messages/${f.msgTheirs}/translations`, { text: 'Москва: обычный трафик', lang: 'ru', stage: 'sight' }), 201, 'translation');
  await ok(w('in-principal', 'POST', `${L}/calls/${f.callDeclined}/decline`, { reason: 'in a meeting' }), 201, 'decline');
  await ok(w('in-principal', 'POST', `${L}/calls/${f.callDeclined}/readout/publish`, { text: 'Washington readout', lang: 'en' }), 201, 'readout');
  await ok(m('duty', 'POST', `${L}/calls/${f.callDeclined}/readout/publish`, { text: 'Moscow readout', lang: 'en' }), 201, 'Moscow readout');
  // Signalling from Moscow on a call still ringing reaches Washington's consoles (call.signal).
  await ok(m('duty', 'POST', `${L}/calls/${ringing}/signals`, { kind: 'ice', data: 'candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host' }), 202, 'Moscow signal');
  // Overlaps Moscow's notice: both stations record the conflict.
  f.noticeOurs = (await ok(w('in-duty_officer', 'POST', `${L}/notices`, overlapping('Washington flight operations')), 201, 'notice')).id;
  return f;
}

before(async () => {
  const wDir = await makeStationDir('Washington', Object.fromEntries(ALL.map((n) => [n, roleOf(n)])));
  const mDir = await makeStationDir('Moscow', { root: 'admin', duty: 'duty_officer' });
  dirs.push(wDir, mDir);
  const [wp, mp] = await Promise.all([startStation(wDir.dir), startStation(mDir.dir)]);
  running.push(wp, mp);
  W = { url: wp.url, dir: wDir };
  M = { url: mp.url, dir: mDir };
  parisKey = formatVerifierKey(nodeCrypto, 'Paris', signerFromSeed(newSeed()).publicKey);

  // Every member listens from the start, half by bearer token, half by ticket.
  streams = await Promise.all(ALL.map((n, i) => openStream(n, i % 2 === 1)));

  await ok(w('in-admin', 'POST', '/v1/peers', { name: 'Moscow', key: mDir.identity.vkey, urls: [mp.linkUrl] }), 201, 'pin Moscow');
  await ok(m('root', 'POST', '/v1/peers', { name: 'Washington', key: wDir.identity.vkey, urls: [wp.linkUrl] }), 201, 'pin Washington');
  await eventually(async () => (await w('in-duty_officer', 'GET', '/v1/links')).json.links.some((l: any) => l.peer === 'Moscow' && l.status === 'up'), 'link up');

  const ordLine = await ok(w('in-admin', 'POST', '/v1/lines', { id: 'ord-line-7f3a', title: 'Ordinary Deconfliction Line', parties: [mDir.identity.vkey], members: INSIDERS }), 201, 'ordinary line');
  const discLine = await ok(w('in-admin', 'POST', '/v1/lines', { title: 'Kestrel Quiet Backchannel', parties: [mDir.identity.vkey], members: INSIDERS, discreet: true }), 201, 'discreet line');
  assert.match(discLine.id, /^ln-[0-9a-f]{24}$/);
  // Moscow's own discreet line reaches Washington with nobody named on it yet.
  const mLine = await ok(m('root', 'POST', '/v1/lines', { title: 'Osprey Moscow Backchannel', parties: [wDir.identity.vkey], members: ['duty', 'root'], discreet: true }), 201, 'Moscow discreet line');
  await ok(m('duty', 'POST', `/v1/lines/${mLine.id}/messages`, { text: 'Moscow: before anyone at Washington is named' }), 201, 'early message');
  await eventually(async () => (await w('in-admin', 'GET', `/v1/lines/${mLine.id}`)).status === 200, 'Moscow\'s discreet line offered to Washington');
  await checkUnassigned(mLine.id);
  await ok(w('in-admin', 'PUT', `/v1/lines/${mLine.id}/members`, { members: INSIDERS }), 200, 'name insiders on Moscow\'s line');

  [ord, disc, discM] = await Promise.all([
    populate({ id: ordLine.id, title: ordLine.title, discreet: false }),
    populate({ id: discLine.id, title: discLine.title, discreet: true }),
    populate({ id: mLine.id, title: mLine.title, discreet: true }),
  ]);
  lines = [ord, disc, discM];
  fake = new Map([[ord, 'ord-line-0b1c'], [disc, `ln-${randomBytes(12).toString('hex')}`], [discM, `ln-${randomBytes(12).toString('hex')}`]]);
}, { timeout: 60_000 });

/**
 * A discreet line a peer offered, before anyone here is named on it: admins
 * see it (someone must name who takes it) but read nothing; nobody else can
 * tell it from a line that does not exist.
 */
async function checkUnassigned(id: string) {
  const nothing = `ln-${randomBytes(12).toString('hex')}`;
  for (const name of ['anonymous', ...ALL]) {
    const token = name === 'anonymous' ? undefined : W.dir.tokens[name];
    const admin = name !== 'anonymous' && roleOf(name) === 'admin';
    const [seen, missing, transcript, missingTranscript] = await Promise.all([
      http(W.url, token, 'GET', `/v1/lines/${id}`), http(W.url, token, 'GET', `/v1/lines/${nothing}`),
      http(W.url, token, 'GET', `/v1/lines/${id}/transcript`), http(W.url, token, 'GET', `/v1/lines/${nothing}/transcript`),
    ]);
    if (admin) {
      if (seen.status !== 200) unassignedProblems.push(`${name}: an unassigned discreet line answers ${seen.status}, want 200 for an admin`);
      if (transcript.status !== 403) unassignedProblems.push(`${name}: the transcript of an unassigned discreet line answers ${transcript.status} ${transcript.text}, want 403`);
    } else {
      if (seen.status !== missing.status || seen.text !== missing.text) unassignedProblems.push(`${name}: GET an unassigned discreet line ${seen.status} ${seen.text} ≠ missing ${missing.status} ${missing.text}`);
      if (transcript.status !== missingTranscript.status || transcript.text !== missingTranscript.text) unassignedProblems.push(`${name}: its transcript ${transcript.status} ${transcript.text} ≠ missing ${missingTranscript.status} ${missingTranscript.text}`);
    }
    if (name !== 'anonymous') {
      const listed = (await w(name, 'GET', '/v1/lines')).json.lines.some((l: any) => l.id === id);
      if (listed !== admin) unassignedProblems.push(`${name}: /v1/lines ${listed ? 'lists' : 'does not list'} an unassigned discreet line`);
    }
  }
}

// ---------------------------------------------------------------------------

const real = (f: LineFixture, e: LineEndpoint, name: string) => ({
  party: 'Washington', seq: '0', number: '1', tile: 'entries/000.p/1', id: e.id?.(f, name) ?? f.msgOurs,
});
const madeUp = { party: 'Nobody', seq: '4242', number: '7', tile: 'entries/000.p/1', id: 'Moscow:4242' };

function urlOf(e: LineEndpoint, line: string, params: Record<string, string>): string {
  let path = e.path.replace('{line}', encodeURIComponent(line)).replace('{tile}', params.tile);
  for (const k of ['party', 'seq', 'number', 'id']) path = path.replace(`{${k}}`, encodeURIComponent(params[k]));
  assert.ok(!path.includes('{'), `unfilled parameter in ${path}`);
  return e.query ? `${path}?${e.query}` : path;
}

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

test('the table classifies every endpoint in the OpenAPI document, and nothing else', async () => {
  const doc = await ok(w('out-translator', 'GET', '/openapi.json'), 200, 'openapi');
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(ops)) if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(method)) documented.add(key(method, path));
  }
  const classified = new Set([...lineEndpoints.map((e) => key(e.method, e.path)), ...stationEndpoints('').map((e) => key(e.method, e.path))]);
  assert.equal(classified.size, lineEndpoints.length + stationEndpoints('').length, 'the table lists an endpoint twice');
  assert.deepEqual([...documented].filter((k) => !classified.has(k)).sort(), [], 'endpoints the authorisation table does not classify: add them to test/support/authz-table.ts');
  assert.deepEqual([...classified].filter((k) => !documented.has(k)).sort(), [], 'the authorisation table lists endpoints the station no longer serves');
  for (const e of lineEndpoints) assert.ok(e.path.includes('{line}'));
  for (const e of stationEndpoints('')) assert.ok(!e.path.includes('{line}'));
});

test('the policy table the matrix derives from canOnLine says what the issue says', () => {
  // Spot checks, so a change to policy.ts that loosens it fails here too, not just silently moves the matrix.
  for (const f of lines) {
    for (const n of OUTSIDERS) {
      if (f.discreet) assert.equal(sees(f, n), false, `${n} sees a discreet line`);
    }
    for (const n of INSIDERS) assert.equal(may(f, n, 'read'), true);
    assert.equal(may(f, 'in-auditor', 'write'), false);
    assert.equal(may(f, 'in-admin', 'write'), false);
    assert.equal(may(f, 'in-admin', 'configure'), true);
    assert.equal(may(f, 'in-translator', 'translate'), true);
    assert.equal(may(f, 'in-translator', 'write'), false);
  }
  assert.equal(may(ord, 'out-auditor', 'read'), true, 'auditors read every ordinary line');
  assert.equal(may(ord, 'out-auditor', 'write'), false, 'auditors do not write');
  assert.equal(may(ord, 'out-admin', 'configure'), true, 'admins configure ordinary lines');
  assert.equal(may(ord, 'out-admin', 'read'), false, 'admins do not read entries unless named');
  for (const n of ['out-principal', 'out-duty_officer', 'out-translator']) assert.equal(sees(ord, n), false);
});

test('a discreet line offered by a peer and not yet assigned: admins see it, nobody reads it, others cannot tell it exists', () => {
  assert.deepEqual(unassignedProblems, []);
});

test('to anyone not named on it, a discreet line answers exactly like a line that does not exist', async (t) => {
  const problems: string[] = [];
  let checks = 0;
  const work: Array<Promise<void>> = [];
  for (const f of lines) {
    const callers = [...ALL.filter((n) => !sees(f, n)), 'anonymous'];
    if (f.discreet) assert.deepEqual(callers, [...OUTSIDERS, 'anonymous']);
    for (const name of callers) {
      const token = name === 'anonymous' ? undefined : W.dir.tokens[name];
      work.push((async () => {
        for (const e of lineEndpoints) {
          const body = e.body?.(name);
          const variants: Array<[string, string]> = [
            [fake.get(f)!, urlOf(e, fake.get(f)!, madeUp)],
            [`${f.discreet ? 'discreet' : 'ordinary'} line, real ids`, urlOf(e, f.id, real(f, e, INSIDERS[0]))],
            [`${f.discreet ? 'discreet' : 'ordinary'} line, made-up ids`, urlOf(e, f.id, madeUp)],
            ['no such line, real ids', urlOf(e, fake.get(f)!, real(f, e, INSIDERS[0]))],
          ];
          for (const method of e.method === 'GET' ? ['GET', 'HEAD'] : [e.method]) {
            const replies = await Promise.all(variants.map(([, url]) => http(W.url, token, method, url, body)));
            const [baseline] = replies;
            const want = name === 'anonymous' ? 401 : 404;
            if (baseline.status !== want) problems.push(`${name} ${method} ${variants[0][1]}: a missing line answers ${baseline.status} (want ${want}) ${baseline.text}`);
            replies.slice(1).forEach((r, i) => {
              checks++;
              const what = `${name} ${method} ${e.path} [${variants[i + 1][0]}]`;
              if (r.status !== baseline.status) problems.push(`${what}: status ${r.status} ≠ ${baseline.status} for a missing line; body ${r.text}`);
              else if (r.text !== baseline.text) problems.push(`${what}: body ${r.text} ≠ ${baseline.text}`);
              else if (JSON.stringify(r.headers) !== JSON.stringify(baseline.headers)) problems.push(`${what}: headers ${JSON.stringify(r.headers)} ≠ ${JSON.stringify(baseline.headers)}`);
            });
          }
        }
      })());
    }
  }
  await Promise.all(work);
  t.diagnostic(`${checks} comparisons of a hidden line against a missing one`);
  assert.deepEqual(problems, []);
});

test('members who can see a line get exactly what canOnLine allows: 2xx, or 403 with a reason', async (t) => {
  const problems: string[] = [];
  let checks = 0;
  await Promise.all(lines.map(async (f) => {
    for (const name of ALL.filter((n) => sees(f, n))) {
      for (const e of lineEndpoints) {
        const allowed = may(f, name, e.need);
        const url = urlOf(e, f.id, real(f, e, name));
        const r = await w(name, e.method, url, e.body?.(name));
        checks++;
        const what = `${name} ${e.method} ${e.path} on the ${f.discreet ? 'discreet' : 'ordinary'} line (need ${e.need})`;
        if (allowed) {
          if (r.status !== e.ok) problems.push(`${what}: allowed, want ${e.ok}, got ${r.status} ${r.text}`);
          else e.created?.(f, name, r.json);
        } else if (r.status !== 403 || r.json?.error?.code !== 'forbidden' || !r.json?.error?.message) {
          problems.push(`${what}: not allowed, want 403 forbidden with a reason, got ${r.status} ${r.text}`);
        } else {
          // Authorisation comes before validation: the same refusal for a request the schema would reject, never a description of it.
          const invalid = await w(name, e.method, urlOf(e, f.id, { ...real(f, e, name), seq: '0x10', number: '%20' }) + (e.method === 'GET' ? `${e.query ? '&' : '?'}limit=1e3` : ''), e.method === 'GET' ? undefined : { surplus: [1], text: 5 });
          checks++;
          if (invalid.status !== r.status || invalid.text !== r.text) problems.push(`${what}: with an invalid request, ${invalid.status} ${invalid.text} ≠ the refusal ${r.text}`);
        }
      }
    }
  }));
  t.diagnostic(`${checks} member × endpoint checks on the three lines`);
  assert.deepEqual(problems, []);
});

test('station-wide endpoints: who may call each', async (t) => {
  const problems: string[] = [];
  let checks = 0;
  let n = 0;
  for (const e of stationEndpoints(parisKey)) {
    for (const name of ['anonymous', ...ALL]) {
      const token = name === 'anonymous' ? undefined : W.dir.tokens[name];
      const role = name === 'anonymous' ? null : roleOf(name);
      const allowed = e.who === 'public' || (role !== null && (e.who === 'member' || role === 'admin' || (e.who === 'admin-auditor' && role === 'auditor')));
      const want = allowed ? e.ok : role === null ? 401 : 403;
      checks++;
      if (e.special === 'logout') {
        // Log out with a token made for the purpose; it must stop working.
        const spare = token ? (await ok(w(name, 'POST', '/v1/tokens', { label: 'to revoke' }), 201, 'spare token')).token : undefined;
        const r = await http(W.url, spare, 'DELETE', e.path);
        if (r.status !== want) problems.push(`${name} DELETE ${e.path}: want ${want}, got ${r.status} ${r.text}`);
        if (spare && (await http(W.url, spare, 'GET', '/v1/me')).status !== 401) problems.push(`${name}: a revoked token still works`);
        continue;
      }
      const r = await http(W.url, token, e.method, e.url ?? e.path, e.body?.(name, n++));
      if (r.status !== want) problems.push(`${name} ${e.method} ${e.path}: want ${want}, got ${r.status} ${r.text}`);
      else if (want === 403 && (r.json?.error?.code !== 'forbidden' || !r.json?.error?.message)) problems.push(`${name} ${e.method} ${e.path}: 403 without a reason: ${r.text}`);
    }
  }
  t.diagnostic(`${checks} role × station-wide endpoint checks`);
  assert.deepEqual(problems, []);
});

test('station-wide listings never mention a discreet line to those not named on it', async (t) => {
  const gets = [
    ...stationEndpoints(parisKey).filter((e) => e.method === 'GET').map((e) => e.url ?? e.path),
    ...hiddenEndpoints,
    '/v1/alarms?hours=1000', '/v1/links/Moscow/history?hours=1000',
  ];
  const problems: string[] = [];
  let checks = 0;
  for (const name of ['anonymous', ...ALL]) {
    const token = name === 'anonymous' ? undefined : W.dir.tokens[name];
    for (const path of gets) {
      const r = await http(W.url, token, 'GET', path);
      checks++;
      const leaks = [disc.id, disc.title, discM.id, discM.title].filter((s) => r.text.includes(s) || JSON.stringify(r.headers).includes(s));
      if (!INSIDERS.includes(name) && leaks.length > 0) problems.push(`${name} GET ${path} (${r.status}) mentions ${leaks.join(' and ')}`);
    }
    // The listing itself: named members see the discreet line; everyone sees exactly the ordinary lines policy allows.
    if (name !== 'anonymous') {
      const ids = (await w(name, 'GET', '/v1/lines')).json.lines.map((l: any) => l.id);
      for (const f of [disc, discM]) if (ids.includes(f.id) !== INSIDERS.includes(name)) problems.push(`${name}: /v1/lines ${ids.includes(f.id) ? 'lists' : 'does not list'} the discreet line ${f.title}`);
      if (ids.includes(ord.id) !== sees(ord, name)) problems.push(`${name}: /v1/lines ${ids.includes(ord.id) ? 'lists' : 'does not list'} the ordinary line`);
    }
  }
  t.diagnostic(`${checks} listing reads searched for the discreet line`);
  assert.deepEqual(problems, []);
});

test('an outsider admin cannot confirm a discreet line id by trying to create a line with it', async () => {
  // The id of a discreet line is random so it cannot be guessed; but one seen
  // once (a URL, a log line, a screenshot) must not be confirmable either.
  const body = (id: string) => ({ id, title: 'probe', parties: [], members: [] });
  const problems: string[] = [];
  for (const f of [disc, discM]) {
    const probe = await w('out-admin', 'POST', '/v1/lines', body(f.id));
    const control = await w('out-admin', 'POST', '/v1/lines', body(`ln-${randomBytes(12).toString('hex')}`));
    if (probe.status !== control.status) problems.push(`POST /v1/lines {id: <id of ${f.title}>} answers ${probe.status} ${probe.text}; with an unused id of the same shape ${control.status}`);
  }
  assert.deepEqual(problems, []);
});

// Every type of live event the station emits (live-events.ts, scheduler.ts, station.ts, call-signals.ts, event-stream.ts).
const LINE_EVENTS = ['entry', 'message', 'call', 'call.ringing', 'call.signal', 'readout', 'notice', 'conflict', 'check', 'deadline', 'delivery', 'alarm'];
const KNOWN_EVENTS = new Set(['hello', 'link', ...LINE_EVENTS]);

test('live events: nobody hears of a line they may not read; readers hear every kind of event', { timeout: 45_000 }, async (t) => {
  // Anonymous and forged upgrades are refused.
  const ws = `${W.url.replace(/^http/, 'ws')}/v1/events`;
  assert.equal(await refusedUpgrade(ws), 401);
  assert.equal(await refusedUpgrade(`${ws}?ticket=forged`), 401);

  const expected = (s: Stream, f: LineFixture) => LINE_EVENTS.filter((type) => (type === 'call.signal' ? may(f, s.name, 'call') : may(f, s.name, 'read')));
  const missing = () => streams.flatMap((s) => lines.flatMap((f) =>
    expected(s, f).filter((type) => !s.events.some((e) => e.type === type && e.line === f.id)).map((type) => `${s.name}: no ${type} event on the ${f.discreet ? 'discreet' : 'ordinary'} line`)));
  // Deadlines fall due 10 s after the FLASH messages sent in before(); give the scheduler time.
  await eventually(async () => missing().length === 0, 'every expected event', 30_000).catch(() => undefined);

  const problems = missing();
  let checks = 0;
  for (const s of streams) {
    for (const e of s.events) if (!KNOWN_EVENTS.has(e.type)) problems.push(`${s.name}: an event of a type the test does not know: ${e.type} (add it to LINE_EVENTS)`);
    for (const f of lines) {
      checks += s.raw.length;
      const mentions = s.raw.filter((text) => text.includes(f.id) || text.includes(f.title));
      if (!may(f, s.name, 'read') && mentions.length > 0) {
        problems.push(`${s.name} (may not read the ${f.discreet ? 'discreet' : 'ordinary'} line) heard ${mentions.length} events about it, e.g. ${mentions.slice(0, 3).join(' | ')}`);
      }
      if (!may(f, s.name, 'call')) {
        const signals = s.events.filter((e) => e.type === 'call.signal' && e.line === f.id);
        if (signals.length > 0) problems.push(`${s.name} (may not call) heard call signalling on the ${f.discreet ? 'discreet' : 'ordinary'} line: ${JSON.stringify(signals[0])}`);
      }
    }
  }
  const counts = streams.map((s) => `${s.name}=${s.events.length}`).join(' ');
  t.diagnostic(`${streams.length} streams; events per stream: ${counts}; ${checks} event × line checks`);
  assert.deepEqual(problems, []);
});

test('counters do not move for activity on a discreet line', async () => {
  const snapshot = async () => (await http(W.url, undefined, 'GET', '/metrics')).text.split('\n')
    .filter((l) => l.startsWith('hotline_') && !l.startsWith('hotline_link_rtt_seconds') && !l.includes('route="/metrics"'));
  // Let anything already under way settle.
  await new Promise((r) => setTimeout(r, 500));
  const before = await snapshot();
  // Traffic both ways on both discreet lines: the one made here and the one offered by Moscow.
  await Promise.all([disc, discM].map(async (f) => {
    const L = `/v1/lines/${f.id}`;
    const ours = (await ok(w('in-duty_officer', 'POST', `${L}/messages`, { text: 'quiet 1' }), 201, 'discreet message')).id;
    const theirs = (await ok(m('duty', 'POST', `${L}/messages`, { text: 'quiet 2' }), 201, 'Moscow discreet message')).id;
    await ok(w('in-principal', 'POST', `${L}/notices`, overlapping('quiet notice')), 201, 'discreet notice');
    await eventually(async () => {
      const msgs = (await w('in-duty_officer', 'GET', `${L}/messages`)).json.messages;
      return msgs.some((x: any) => x.id === theirs) && msgs.find((x: any) => x.id === ours)?.status !== 'sent';
    }, 'discreet traffic both ways');
    await ok(w('in-duty_officer', 'POST', `${L}/items/${theirs}/ack`), 201, 'discreet ack');
  }));
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual((await snapshot()).filter((l) => !before.includes(l)), [], 'a counter moved for discreet activity');
});
