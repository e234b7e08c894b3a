import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { totpCode } from '../src/station/sign-in/totp.ts';
import { api, cli, eventually, makeStationDir, PASSWORD, startStation, tlsFor, type StationDir, type StationProcess } from './support/station.ts';

// Sign-in fit for a defence ministry, against a real station process: the
// throttle and lockout, TOTP and recovery codes, the second-factor policy,
// event streams that end with what opened them, token lifetimes, the
// security log, and an event stream no malformed frame or foreign page
// can use. Session lifetimes and idle timeouts, which need the clock to
// move, are in src/station/sign-in/session-clock.test.ts (in-process, injected clock).

let dir: StationDir;
let station: StationProcess;
let url: string;
const sockets: WebSocket[] = [];

before(async () => {
  dir = await makeStationDir('Washington', {
    root: 'admin', audit: 'auditor', alice: 'principal', tina: 'principal', tr: 'translator', dora: 'duty_officer', pat: 'principal', carl: 'principal', olga: 'principal',
  });
  station = await startStation(dir.dir);
  url = station.url;
});

after(async () => {
  for (const s of sockets) s.terminate();
  await station?.stop();
  dir?.cleanup();
});

const as = (name: string, method: string, path: string, body?: unknown) => api(url, dir.tokens[name], method, path, body);
const anon = (method: string, path: string, body?: unknown) => api(url, undefined, method, path, body);

async function signIn(name: string): Promise<string> {
  const r = await anon('POST', '/v1/session', { name, password: PASSWORD });
  assert.equal(r.status, 201, `${name} signs in: ${r.text}`);
  return r.json.token;
}

async function ticket(token: string): Promise<string> {
  const r = await api(url, token, 'POST', '/v1/events/ticket');
  assert.equal(r.status, 200, r.text);
  return r.json.ticket;
}

interface Stream {
  ws: WebSocket;
  /** Resolves with the close code and when it came. */
  closed: Promise<{ code: number; at: number }>;
}

/** Opens /v1/events with a ticket or a bearer token; rejects with the refusal's status. */
function openStream(how: { ticket?: string; token?: string; origin?: string }): Promise<Stream> {
  const target = `${url.replace(/^http/, 'ws')}/v1/events${how.ticket ? `?ticket=${encodeURIComponent(how.ticket)}` : ''}`;
  const headers: Record<string, string> = {};
  if (how.token) headers.authorization = `Bearer ${how.token}`;
  if (how.origin) headers.origin = how.origin;
  const ws = new WebSocket(target, { headers, ...tlsFor(url) });
  sockets.push(ws);
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve({ ws, closed })); // the hello
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', (e) => reject(e));
  });
}

const refusal = (p: Promise<unknown>) => p.then(() => 101, (e: { status?: number }) => e.status ?? 0);

async function closesWithin(stream: Stream, ms: number, what: string): Promise<number> {
  const started = Date.now();
  const result = await Promise.race([stream.closed, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
  assert.ok(result, `${what}: the stream is still open after ${ms} ms`);
  return result.at - started;
}

async function securityLog(): Promise<any[]> {
  const r = await as('audit', 'GET', '/v1/security/log?limit=100000');
  assert.equal(r.status, 200, r.text);
  return r.json.events;
}

test('repeated wrong passwords lock the account; it shows to admins, refuses even the right password, and an admin unlocks it', async () => {
  const policy = (await as('root', 'GET', '/v1/security/policy')).json;
  assert.equal((await as('root', 'PUT', '/v1/security/policy', { ...policy, lockout: { failures: 3, minutes: 30 } })).status, 200);
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await anon('POST', '/v1/session', { name: 'alice', password: `wrong guess ${i}` })).status);
  assert.deepEqual(statuses, [401, 401, 423], 'the third failure in a row locks');
  const refused = await anon('POST', '/v1/session', { name: 'alice', password: PASSWORD });
  assert.equal(refused.status, 423);
  assert.equal(refused.json.error.code, 'locked');
  assert.match(refused.json.error.message, /^this account is locked until \d{4}-\d\d-\d\dT[\d:.]+Z after repeated failures; an admin can unlock it$/);
  // An unknown name answers the same way: locks do not tell which names exist.
  const ghost = [];
  for (let i = 0; i < 4; i++) ghost.push((await anon('POST', '/v1/session', { name: 'nobody-here', password: `guess ${i}` })).status);
  assert.deepEqual(ghost, [401, 401, 423, 423]);

  const members = (await as('root', 'GET', '/v1/members')).json.members;
  const locked = members.find((m: any) => m.name === 'alice');
  assert.ok(locked.lockedUntil > Date.now() + 29 * 60_000, `lockedUntil ${locked.lockedUntil}`);
  assert.equal(members.find((m: any) => m.name === 'tina').lockedUntil, null);
  assert.equal((await as('alice', 'POST', '/v1/members/alice/unlock')).status, 403, 'only an admin unlocks');

  // The admin unlocks from the CLI.
  const unlocked = await cli(['member', 'unlock', 'alice'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.root } });
  assert.equal(unlocked.code, 0, unlocked.stderr);
  assert.match(unlocked.stdout, /alice unlocked/);
  assert.equal((await as('root', 'GET', '/v1/members')).json.members.find((m: any) => m.name === 'alice').lockedUntil, null);
  await signIn('alice');

  const log = await securityLog();
  const aliceKinds = log.filter((e) => e.member === 'alice').map((e) => e.kind);
  assert.deepEqual(aliceKinds.filter((k) => k.startsWith('login.')), ['login.failed', 'login.failed', 'login.failed', 'login.locked', 'login.unlocked', 'login.ok']);
  assert.equal(log.find((e) => e.kind === 'login.unlocked').actor, 'root');
  assert.equal(log.find((e) => e.kind === 'login.failed').address, '127.0.0.1');
  await as('root', 'PUT', '/v1/security/policy', policy);
});

test('one address failing against many names is made to wait, with Retry-After; other addresses are not', async () => {
  // 127.0.0.2 is loopback too: the attacker; the rest of this file signs in from 127.0.0.1.
  const attempt = (name: string, password = 'not the password') => postFrom('127.0.0.2', '/v1/session', { name, password });
  const seen: number[] = [];
  let refused;
  for (let i = 0; i < 40 && !refused; i++) {
    const r = await attempt(`guess-${i}`);
    if (r.status === 429) refused = r;
    else seen.push(r.status);
  }
  assert.ok(refused, 'forty names from one address and never slowed');
  assert.ok(seen.length >= 5 && seen.every((s) => s === 401), `free attempts first: ${seen}`);
  assert.equal(refused.json.error.code, 'rate_limited');
  assert.match(refused.json.error.message, /^too many attempts; try again in \d+ s$/);
  assert.ok(Number(refused.headers['retry-after']) >= 1, `Retry-After ${refused.headers['retry-after']}`);
  // The right password from this address waits too: the check comes before the password.
  assert.equal((await attempt('olga', PASSWORD)).status, 429);
  await signIn('olga'); // from 127.0.0.1
});

/** A POST from a chosen loopback address (undici cannot bind one), over http or https as the station serves. */
function postFrom(localAddress: string, path: string, body: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  const target = new URL(path, url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' }, ...tlsFor(url) }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('TOTP: enrol with a computed code, sign in with the next one, a wrong code fails, a recovery code works once', async () => {
  const session = await signIn('tina');
  const start = await api(url, session, 'POST', '/v1/me/totp');
  assert.equal(start.status, 200, start.text);
  assert.match(start.json.uri, /^otpauth:\/\/totp\//);
  const secret: string = start.json.secret;
  assert.equal((await api(url, session, 'POST', '/v1/me/totp/confirm', { code: '000000' === (await totpCode(secret, Date.now())) ? '111111' : '000000' })).status, 400, 'a wrong confirmation code');
  const confirmed = await api(url, session, 'POST', '/v1/me/totp/confirm', { code: await totpCode(secret, Date.now()) });
  assert.equal(confirmed.status, 200, confirmed.text);
  const codes: string[] = confirmed.json.recoveryCodes;
  assert.equal(codes.length, 10);
  const factors = (await api(url, session, 'GET', '/v1/me/second-factors')).json;
  assert.deepEqual(factors, { totp: true, passkeys: [], recoveryCodesLeft: 10, required: false });

  const pending = async () => {
    const r = await anon('POST', '/v1/session', { name: 'tina', password: PASSWORD });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json.methods, ['totp', 'recovery']);
    assert.ok(!('token' in r.json), 'no token before the second factor');
    return r.json.pending as string;
  };
  const p1 = await pending();
  const wrong = await anon('POST', '/v1/session/totp', { pending: p1, code: '12345' });
  assert.equal(wrong.status, 401);
  // The confirmation used this step's code; the next step's is accepted (one step of drift) and is new.
  const ok = await anon('POST', '/v1/session/totp', { pending: p1, code: await totpCode(secret, Date.now() + 30_000) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await api(url, ok.json.token, 'GET', '/v1/me')).json.name, 'tina');
  assert.equal((await anon('POST', '/v1/session/totp', { pending: p1, code: await totpCode(secret, Date.now() + 30_000) })).status, 401, 'a pending sign-in is used once');
  const p2 = await pending();
  assert.equal((await anon('POST', '/v1/session/totp', { pending: p2, code: await totpCode(secret, Date.now() + 30_000) })).status, 401, 'the same code twice');

  const viaRecovery = await anon('POST', '/v1/session/recovery', { pending: p2, code: codes[3].toLowerCase() });
  assert.equal(viaRecovery.status, 201, viaRecovery.text);
  const p3 = await pending();
  assert.equal((await anon('POST', '/v1/session/recovery', { pending: p3, code: codes[3] })).status, 401, 'a recovery code works once');
  // The CLI signs in with a recovery code too.
  const viaCli = await cli(['login', '--url', url, '--name', 'tina', '--password-stdin', '--recovery', codes[4]], { input: PASSWORD });
  assert.equal(viaCli.code, 0, viaCli.stderr);
  assert.match(viaCli.stdout.trim(), /^hls_/);
  const noCode = await cli(['login', '--url', url, '--name', 'tina', '--password-stdin'], { input: PASSWORD });
  assert.equal(noCode.code, 3);
  assert.match(noCode.stderr, /--totp CODE or --recovery CODE/);
  assert.equal((await api(url, session, 'GET', '/v1/me/second-factors')).json.recoveryCodesLeft, 8);

  assert.equal((await api(url, session, 'DELETE', '/v1/me/totp')).status, 204);
  assert.equal((await anon('POST', '/v1/session', { name: 'tina', password: PASSWORD })).status, 201, 'no second factor left');
  const kinds = (await securityLog()).filter((e) => e.member === 'tina').map((e) => e.kind);
  for (const k of ['second_factor.enrolled', 'recovery_codes.issued', 'second_factor.failed', 'recovery_code.used', 'second_factor.removed']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
});

test('a policy requiring a second factor for a role: its members may only enrol one until they have', async () => {
  const policy = (await as('root', 'GET', '/v1/security/policy')).json;
  assert.equal((await as('tr', 'PUT', '/v1/security/policy', { ...policy, secondFactor: { ...policy.secondFactor, translator: true } })).status, 403);
  const set = await cli(['security', 'policy', '--require', 'translator'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.root } });
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /second factor required for: translator/);

  const login = await anon('POST', '/v1/session', { name: 'tr', password: PASSWORD });
  assert.equal(login.status, 201);
  assert.equal(login.json.mustEnrol, true);
  const session = login.json.token;
  const blocked = await api(url, session, 'GET', '/v1/lines');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.json.error.message, 'your role requires a second factor: enrol one (TOTP or a passkey) first');
  assert.equal((await as('tr', 'GET', '/v1/lines')).status, 403, 'an API token of the role is held to it too');
  assert.equal((await api(url, session, 'POST', '/v1/events/ticket')).status, 403);
  assert.equal(await refusal(openStream({ token: session })), 403);
  assert.equal((await api(url, session, 'GET', '/v1/me')).status, 200);
  assert.equal((await api(url, session, 'GET', '/v1/me/second-factors')).json.required, true);
  assert.equal((await as('pat', 'GET', '/v1/lines')).status, 200, 'other roles are not affected');

  const { secret } = (await api(url, session, 'POST', '/v1/me/totp')).json;
  assert.equal((await api(url, session, 'POST', '/v1/me/totp/confirm', { code: await totpCode(secret, Date.now()) })).status, 200);
  assert.equal((await api(url, session, 'GET', '/v1/lines')).status, 200, 'enrolled: the session is whole');
  assert.equal((await anon('POST', '/v1/session', { name: 'tr', password: PASSWORD })).status, 202);
  assert.equal((await as('root', 'GET', '/v1/members')).json.members.find((m: any) => m.name === 'tr').secondFactor, true);
  await as('root', 'PUT', '/v1/security/policy', policy);
  assert.equal((await securityLog()).filter((e) => e.kind === 'policy.changed').at(-1).actor, 'root');
});

test('signing out closes that session\'s event stream within a second, and a ticket fetched before no longer connects', async () => {
  const session = await signIn('carl');
  const other = await signIn('carl');
  const spare = await ticket(session);
  const stream = await openStream({ ticket: await ticket(session) });
  const otherStream = await openStream({ ticket: await ticket(other) });
  assert.equal((await api(url, session, 'DELETE', '/v1/session')).status, 204);
  const ms = await closesWithin(stream, 1000, 'after sign-out');
  assert.equal((await stream.closed).code, 4001);
  assert.ok(ms < 1000, `closed in ${ms} ms`);
  assert.equal(await refusal(openStream({ ticket: spare })), 401, 'the spare ticket died with its session');
  assert.equal(otherStream.ws.readyState, WebSocket.OPEN, 'another session of the same member stays');
  assert.equal((await api(url, session, 'GET', '/v1/me')).status, 401);
});

test('disabling a member or changing their role closes their event streams at once and ends their sessions', async () => {
  const session = await signIn('dora');
  const viaToken = await openStream({ token: dir.tokens.dora });
  const viaSession = await openStream({ ticket: await ticket(session) });
  const spare = await ticket(session);
  const changed = await as('root', 'PATCH', '/v1/members/dora', { role: 'translator' });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.role, 'translator');
  await closesWithin(viaToken, 1000, 'role change (token stream)');
  await closesWithin(viaSession, 1000, 'role change (session stream)');
  assert.equal(await refusal(openStream({ ticket: spare })), 401);
  assert.equal((await api(url, session, 'GET', '/v1/me')).status, 401, 'the session ended with the role');
  const again = await openStream({ token: dir.tokens.dora });
  assert.equal((await as('dora', 'GET', '/v1/me')).json.role, 'translator', 'the API token acts with the new role');

  const disabled = await cli(['member', 'set', 'dora', '--disable'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.root } });
  assert.equal(disabled.code, 0, disabled.stderr);
  await closesWithin(again, 1000, 'disabled');
  assert.equal(await refusal(openStream({ token: dir.tokens.dora })), 401);
  assert.equal((await anon('POST', '/v1/session', { name: 'dora', password: PASSWORD })).status, 401);
  assert.equal((await as('root', 'PATCH', '/v1/members/root', { disabled: true })).status, 409, 'the only admin is not disabled');
  assert.equal((await as('dora', 'PATCH', '/v1/members/pat', { role: 'admin' })).status, 401);
  assert.equal((await as('pat', 'PATCH', '/v1/members/dora', { disabled: false })).status, 403);
  assert.equal((await as('root', 'PATCH', '/v1/members/dora', { disabled: false, role: 'duty_officer' })).status, 200);
  const kinds = (await securityLog()).filter((e) => e.member === 'dora').map((e) => e.kind);
  for (const k of ['member.role_changed', 'member.disabled', 'member.enabled']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
});

test('API tokens: 30 days unless asked, a year at most, listed and revoked; revoking closes their streams', async () => {
  const before = Date.now();
  const plain = await as('pat', 'POST', '/v1/tokens', { label: 'nightly export' });
  assert.equal(plain.status, 201, plain.text);
  assert.ok(plain.json.expiresAt >= before + 720 * 3600_000 && plain.json.expiresAt <= Date.now() + 720 * 3600_000);
  assert.match(plain.json.id, /^[0-9a-f]{16}$/);
  assert.equal((await as('pat', 'POST', '/v1/tokens', { label: 'year', expiresInHours: 8760 })).status, 201);
  for (const hours of [1e308, 8761, 0, -5]) {
    const r = await as('pat', 'POST', '/v1/tokens', { label: 'too long', expiresInHours: hours });
    assert.equal(r.status, 400, `${hours}: ${r.text}`);
    assert.match(r.json.error.message, /at most 8760/);
  }
  const listed = (await api(url, plain.json.token, 'GET', '/v1/tokens')).json;
  const mine = listed.find((t: any) => t.id === plain.json.id);
  assert.deepEqual([mine.label, mine.kind, mine.current], ['nightly export', 'token', true]);
  assert.ok(listed.every((t: any) => t.member === 'pat'));
  assert.equal((await as('carl', 'GET', '/v1/tokens?member=pat')).status, 403);
  assert.ok((await as('root', 'GET', '/v1/tokens?member=pat')).json.some((t: any) => t.id === plain.json.id));

  const stream = await openStream({ token: plain.json.token });
  assert.equal((await as('carl', 'DELETE', `/v1/tokens/${plain.json.id}`)).status, 404, "another member's token is not theirs to see");
  const revoked = await cli(['token', 'revoke', plain.json.id], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.pat } });
  assert.equal(revoked.code, 0, revoked.stderr);
  await closesWithin(stream, 1000, 'token revoked');
  assert.equal((await api(url, plain.json.token, 'GET', '/v1/me')).status, 401);
  const list = await cli(['token', 'list'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.pat } });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /year/);
  assert.doesNotMatch(list.stdout, /nightly export/);
  const kinds = (await securityLog()).filter((e) => e.member === 'pat').map((e) => e.kind);
  assert.ok(kinds.includes('token.created') && kinds.includes('token.revoked'), String(kinds));
});

test('four concurrent requests to add one new member: one 201, three 409', async () => {
  const body = { name: 'newcomer', role: 'translator', password: PASSWORD };
  const statuses = (await Promise.all([0, 1, 2, 3].map(() => as('root', 'POST', '/v1/members', body)))).map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409]);
  assert.equal((await securityLog()).filter((e) => e.kind === 'member.created' && e.member === 'newcomer').length, 1);
});

test('the event stream refuses pages of other origins and survives malformed frames', async () => {
  const token = dir.tokens.pat;
  const self = new URL(url);
  assert.equal(await refusal(openStream({ token, origin: 'https://evil.example' })), 403);
  assert.equal(await refusal(openStream({ token, origin: 'null' })), 403);
  const own = await openStream({ token, origin: self.origin });
  const bystander = await openStream({ token });

  const raw = (): Promise<Socket> => new Promise((resolve, reject) => {
    const options = { host: self.hostname, port: Number(self.port) };
    const s: Socket = self.protocol === 'https:' ? tlsConnect({ ...options, ...tlsFor(url) }, () => resolve(s)) : tcpConnect(options, () => resolve(s));
    s.once('error', reject);
  });
  const upgrade = `GET /v1/events HTTP/1.1\r\nHost: ${self.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${token}\r\n\r\n`;
  const frames = [
    Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode 3
    Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // an unmasked client frame
    Buffer.from([0xc1, 0x80, 1, 2, 3, 4]), // RSV1 without an extension
    Buffer.from([0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // a 2^64-byte length
    Buffer.from([0x89, 0xfe, 0x01, 0x00, 1, 2, 3, 4]), // a 256-byte ping (control frames are at most 125)
  ];
  for (const frame of frames) {
    const s = await raw();
    let reply = '';
    s.on('data', (d) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    const ended = new Promise<void>((r) => s.once('close', () => r()));
    s.write(upgrade);
    await eventually(async () => reply.includes('101 Switching Protocols') && reply.includes('"hello"'), 'the upgrade', 5000);
    s.write(frame);
    await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error(`frame ${frame.toString('hex')}: the connection stayed open`)), 3000))]);
  }
  // Upgrades abandoned mid-way: closed, and reset (TCP RST) with a half-sent request.
  for (let i = 0; i < 4; i++) {
    const s = await raw();
    s.on('error', () => undefined);
    s.write(upgrade.slice(0, 40 + i * 30));
    s.destroy();
    const tcp = tcpConnect({ host: self.hostname, port: Number(self.port) });
    tcp.on('error', () => undefined);
    await new Promise<void>((r) => tcp.once('connect', () => r()));
    tcp.write(self.protocol === 'https:' ? Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]) : upgrade.slice(0, 40 + i * 30));
    tcp.resetAndDestroy();
  }
  // A whole upgrade, reset at once while the station checks its token.
  for (let i = 0; i < 5; i++) {
    const tcp = tcpConnect({ host: self.hostname, port: Number(self.port) });
    tcp.on('error', () => undefined);
    await new Promise<void>((r) => tcp.once('connect', () => r()));
    if (self.protocol === 'https:') {
      const t = tlsConnect({ socket: tcp, ...tlsFor(url) });
      t.on('error', () => undefined);
      await new Promise<void>((r) => t.once('secureConnect', () => r()));
      t.write(upgrade);
    } else tcp.write(upgrade);
    await new Promise((r) => setTimeout(r, i));
    tcp.resetAndDestroy();
  }
  assert.equal((await anon('GET', '/healthz')).status, 200, 'the station is still up');
  assert.equal(own.ws.readyState, WebSocket.OPEN);
  assert.equal(bystander.ws.readyState, WebSocket.OPEN, 'other streams are untouched');
  assert.equal(station.proc.exitCode, null);
});

test('the security log: auditors and admins read and export it, nobody else; peer pins are in it', async () => {
  const paris = formatVerifierKey(nodeCrypto, 'Paris', signerFromSeed(newSeed()).publicKey);
  assert.equal((await as('root', 'POST', '/v1/peers', { name: 'Paris', key: paris, urls: [] })).status, 201);
  const removed = await cli(['peer', 'remove', 'Paris', '--dir', dir.dir]);
  assert.equal(removed.code, 0, removed.stderr);
  // One more sign-out, from the CLI.
  const out = await cli(['logout'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: await signIn('olga') } });
  assert.equal(out.code, 0, out.stderr);

  for (const name of ['alice', 'tr', 'dora', 'pat']) {
    const r = await as(name, 'GET', '/v1/security/log');
    assert.equal(r.status, 403, `${name}: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  assert.equal((await anon('GET', '/v1/security/log')).status, 401);
  assert.equal((await as('root', 'GET', '/v1/security/log?limit=5')).json.events.length, 5);

  const events = await securityLog();
  const kinds = new Set(events.map((e) => e.kind));
  const every = [
    'login.ok', 'login.failed', 'login.locked', 'login.unlocked', 'second_factor.enrolled', 'second_factor.removed', 'second_factor.failed', 'recovery_codes.issued',
    'recovery_code.used', 'token.created', 'token.revoked', 'session.ended', 'member.created', 'member.role_changed', 'member.disabled', 'member.enabled',
    'policy.changed', 'peer.pinned', 'peer.removed',
  ];
  assert.deepEqual(every.filter((k) => !kinds.has(k)), [], 'kinds never recorded');
  assert.ok(events.every((e, i) => i === 0 || e.id > events[i - 1].id && e.time >= events[i - 1].time - 1000));
  assert.match(events.find((e) => e.kind === 'peer.pinned').detail, /Paris pinned; fingerprint \d{5}/);
  const since = events.at(-3).time;
  assert.ok((await as('audit', 'GET', `/v1/security/log?since=${since}`)).json.events.every((e: any) => e.time >= since));

  const exported = await as('audit', 'GET', '/v1/security/log?format=jsonl');
  assert.equal(exported.status, 200);
  assert.match(exported.headers['content-type'], /^application\/x-ndjson/);
  assert.match(exported.headers['content-disposition'], /^attachment; filename="hotline-Washington-security-log-.*\.jsonl"$/);
  const lines = exported.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((e) => e.id), events.map((e) => e.id));

  const file = `${dir.dir}/security-export.jsonl`;
  const viaCli = await cli(['security', 'log', '--export', file], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.audit } });
  assert.equal(viaCli.code, 0, viaCli.stderr);
  assert.match(viaCli.stdout, /^wrote \d+ events to /);
  const shown = await cli(['security', 'log'], { env: { HOTLINE_URL: url, HOTLINE_TOKEN: dir.tokens.pat } });
  assert.equal(shown.code, 3);
  assert.match(shown.stderr, /only auditors and admins/);
});

test('the CLI enrols TOTP, shows it, signs in with it and removes it', async () => {
  const env = { HOTLINE_URL: url, HOTLINE_TOKEN: await signIn('carl') };
  const started = await cli(['2fa', 'totp', '--json'], { env });
  assert.equal(started.code, 0, started.stderr);
  const { secret } = JSON.parse(started.stdout);
  const confirmed = await cli(['2fa', 'confirm', await totpCode(secret, Date.now())], { env });
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.match(confirmed.stdout, /^TOTP is on\./);
  assert.equal(confirmed.stdout.match(/^ {2}[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/gm)?.length, 10);
  const status = await cli(['2fa', 'status'], { env });
  assert.match(status.stdout, /TOTP: on/);
  assert.match(status.stdout, /recovery codes left: 10/);
  const login = await cli(['login', '--url', url, '--name', 'carl', '--password-stdin', '--totp', await totpCode(secret, Date.now() + 30_000)], { input: PASSWORD });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout.trim(), /^hls_/);
  const removed = await cli(['2fa', 'remove-totp'], { env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal((await anon('POST', '/v1/session', { name: 'carl', password: PASSWORD })).status, 201);
});
