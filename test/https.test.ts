import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { Agent, fetch } from 'undici';
import { errorTable } from '../src/core/errors.ts';
import { UNTRUSTED } from '../src/cli/trust.ts';
import { CONSOLE_POLICY, DATA_POLICY, HSTS } from '../src/station/api/headers.ts';
import { api, BIN, cli, eventually, fetchStation, freePort, makeStationDir, PASSWORD, startStation, type StationDir, type StationProcess } from './support/station.ts';
import { listen } from './support/linked.ts';

// The API and the console over HTTPS, against real station processes: the
// certificate hotline init makes, pinned or trusted by the CLI; an operator's
// certificate files reloaded while running; plain HTTP on loopback only; the
// security headers; foreign origins; and connections that try to starve the API.

const work = mkdtempSync(join(tmpdir(), 'hotline-https-'));
const running: StationProcess[] = [];
const dirs: StationDir[] = [];
after(async () => {
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** A TLS connection to a station that does not check its certificate (an inspector's, or an attacker's), from a chosen loopback address. */
function insecure(port: number, localAddress = '127.0.0.1'): TLSSocket {
  return tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, localAddress } as ConnectionOptions);
}

/**
 * A TLS connection from `localAddress` once the station admits it. The station frees an address's place when its
 * own side of a closed connection has closed, a moment after the client's: a place just freed may still be taken.
 */
async function admitted(port: number, localAddress: string): Promise<TLSSocket> {
  for (let attempt = 1; ; attempt++) {
    const s = insecure(port, localAddress);
    s.on('error', () => undefined);
    try {
      await once(s, 'secureConnect');
      return s;
    } catch (e) {
      s.destroy();
      if (attempt === 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The certificate a TLS server presents, read without trusting it. */
async function presented(port: number): Promise<{ fingerprint: string; names: string }> {
  const socket = insecure(port);
  await once(socket, 'secureConnect');
  const cert = socket.getPeerCertificate();
  socket.destroy();
  return { fingerprint: cert.fingerprint256, names: cert.subjectaltname ?? '' };
}

/** One-line CLI failure with no stack trace. */
function oneLine(stderr: string) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/, 'no stack trace');
}

// Station A: made by `hotline init`, with tight connection deadlines so that the starvation test is quick.
let A: { dir: string; url: string; port: number; fingerprint: string; root: string; duty: string; proc: StationProcess };

before(async () => {
  const dir = join(work, 'washington');
  const port = await freePort();
  const init = await cli(['init', '--name', 'Washington', '--dir', dir, '--listen', `127.0.0.1:${port}`]);
  assert.equal(init.code, 0, init.stderr);
  const fingerprint = /API certificate SHA-256[^\n]*\n\s+([0-9A-F:]{95})$/m.exec(init.stdout)?.[1];
  assert.ok(fingerprint, init.stdout);
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'root', '--role', 'admin', '--password', PASSWORD])).code, 0);
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'duty', '--role', 'duty_officer', '--password', PASSWORD])).code, 0);
  const root = (await cli(['token', 'create', '--dir', dir, '--member', 'root'])).stdout.trim();
  const duty = (await cli(['token', 'create', '--dir', dir, '--member', 'duty'])).stdout.trim();
  const config = JSON.parse(readFileSync(join(dir, 'hotline.json'), 'utf8'));
  config.apiLimits = { ...config.apiLimits, handshakeTimeoutMs: 3000, headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, maxConnectionsPerAddress: 16 };
  writeFileSync(join(dir, 'hotline.json'), JSON.stringify(config, null, 2));
  const proc = await startStation(dir, `127.0.0.1:${port}`);
  running.push(proc);
  A = { dir, url: proc.url, port, fingerprint, root, duty, proc };
});

test('HTTPS by default with the certificate hotline init made; the CLI pins it or trusts it, and refuses anything else', { timeout: 90_000 }, async () => {
  assert.equal(A.url, `https://127.0.0.1:${A.port}`);
  assert.match(A.proc.output(), new RegExp(`API certificate SHA-256 ${A.fingerprint}`));
  const cert = await presented(A.port);
  assert.equal(cert.fingerprint, A.fingerprint, 'the station serves the certificate init printed');
  for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']) assert.ok(cert.names.includes(name), `${name} in ${cert.names}`);
  assert.equal(readFileSync(join(A.dir, 'api.key')).length > 0 && (await import('node:fs')).statSync(join(A.dir, 'api.key')).mode & 0o777, 0o600);

  const token = ['--token', A.duty];
  const pinned = await cli(['line', 'list', '--url', A.url, ...token, '--pin', A.fingerprint]);
  assert.equal(pinned.code, 0, pinned.stderr);
  const bare = A.fingerprint.replaceAll(':', '').toLowerCase();
  assert.equal((await cli(['line', 'list', '--url', A.url, ...token], { env: { HOTLINE_PIN: bare } })).code, 0, 'HOTLINE_PIN, without colons, in lower case');
  const ca = await cli(['line', 'list', '--url', A.url, ...token, '--ca', join(A.dir, 'api.crt')]);
  assert.equal(ca.code, 0, ca.stderr);
  const local = await cli(['line', 'list', '--dir', A.dir, ...token]);
  assert.equal(local.code, 0, `the local station directory's certificate is trusted by itself: ${local.stderr}`);

  const wrongPin = await cli(['line', 'list', '--url', A.url, ...token, '--pin', 'AB'.repeat(32)]);
  assert.equal(wrongPin.code, errorTable[UNTRUSTED].exit);
  assert.match(wrongPin.stderr, /not the one pinned \(--pin\): the certificate presented has SHA-256 [0-9A-F:]{95}, not AB:AB/);
  oneLine(wrongPin.stderr);
  const unknown = await cli(['line', 'list', '--url', A.url, ...token], { env: { HOTLINE_PIN: '', HOTLINE_CA: '' } });
  assert.equal(unknown.code, errorTable[UNTRUSTED].exit, 'the system CAs do not vouch for a self-signed certificate');
  assert.match(unknown.stderr, /cannot be trusted \(self-signed certificate\).*--ca FILE.*--pin SHA256/);
  oneLine(unknown.stderr);
  const malformed = await cli(['line', 'list', '--url', A.url, ...token, '--pin', 'not-a-fingerprint']);
  assert.equal(malformed.code, errorTable.bad_request.exit);
  assert.match(malformed.stderr, /--pin must be a certificate's SHA-256 fingerprint/);
  const plain = await cli(['line', 'list', '--url', `http://127.0.0.1:${A.port}`, ...token]);
  assert.equal(plain.code, errorTable.unavailable.exit);
  assert.match(plain.stderr, /use https:\/\//);

  // The event stream (wss) is trusted the same way.
  const events = spawn(process.execPath, [BIN, 'events', '--url', A.url, ...token, '--pin', A.fingerprint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let heard = '';
  events.stdout.on('data', (d) => (heard += d));
  events.stderr.on('data', (d) => (heard += d));
  try {
    await eventually(async () => /listening to Washington as duty/.test(heard), 'the events command connected with --pin');
  } finally {
    events.kill('SIGTERM');
  }
  const wrongEvents = await cli(['events', '--url', A.url, ...token, '--pin', 'AB'.repeat(32)]);
  assert.equal(wrongEvents.code, errorTable[UNTRUSTED].exit);
  assert.match(wrongEvents.stderr, /not the one pinned/);
});

test('a server with another certificate hears nothing from the CLI: not the token, not a request', { timeout: 60_000 }, async () => {
  const other = await generate([{ name: 'commonName', value: 'impostor' }], { keyType: 'ec', algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
  let received = 0;
  let reached = 0;
  const impostor = createTlsServer({ key: other.private, cert: other.cert }, (socket) => {
    socket.on('data', (d) => (received += d.length));
    socket.on('error', () => undefined);
  });
  impostor.on('connection', () => reached++);
  impostor.on('tlsClientError', () => undefined);
  impostor.listen(0, '127.0.0.1');
  await once(impostor, 'listening');
  const url = `https://127.0.0.1:${(impostor.address() as { port: number }).port}`;
  try {
    for (const trust of [['--pin', A.fingerprint], ['--ca', join(A.dir, 'api.crt')]]) {
      for (const command of [['line', 'list'], ['events']]) {
        const r = await cli([...command, '--url', url, '--token', A.duty, ...trust]);
        assert.equal(r.code, errorTable[UNTRUSTED].exit, `${command.join(' ')} ${trust[0]}: ${r.stderr}`);
        assert.match(r.stderr, /nothing was sent/);
        oneLine(r.stderr);
      }
    }
    assert.ok(reached >= 4, 'the CLI did reach the impostor');
    assert.equal(received, 0, 'no byte of a request (or of the token) reached the impostor');
  } finally {
    impostor.close();
  }
});

test('every response carries the security headers; anything read with a token, and any token, is never stored', { timeout: 60_000 }, async () => {
  const security = (h: Headers, what: string) => {
    assert.equal(h.get('strict-transport-security'), HSTS, `${what}: HSTS`);
    assert.equal(h.get('x-content-type-options'), 'nosniff', what);
    assert.equal(h.get('x-frame-options'), 'DENY', what);
    assert.equal(h.get('referrer-policy'), 'no-referrer', what);
    assert.match(h.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
  };
  const get = (path: string, token?: string) => fetchStation(`${A.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  const station = await get('/v1/station');
  assert.equal(station.status, 200);
  security(station.headers, 'public API');
  assert.equal(station.headers.get('content-security-policy'), DATA_POLICY);

  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/, 'the console is built (npm run build:web)');
  security(page.headers, 'console page');
  assert.equal(page.headers.get('content-security-policy'), CONSOLE_POLICY);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
  assert.ok(script, 'the page names its script');
  const asset = await get(script!);
  assert.equal(asset.status, 200);
  security(asset.headers, 'console script');
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/, 'the hashed assets are cached (they carry no token)');
  await asset.arrayBuffer();

  for (const [path, token, status] of [['/v1/lines', undefined, 401], ['/v1/nowhere', A.duty, 404], ['/v1/lines/nope', A.duty, 404]] as const) {
    const r = await get(path, token);
    assert.equal(r.status, status, path);
    security(r.headers, `${status} on ${path}`);
    assert.equal(r.headers.get('cache-control'), 'no-store', `${status} on ${path}`);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    await r.text();
  }

  const login = await fetchStation(`${A.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'duty', password: PASSWORD }) });
  assert.ok(login.status === 201 || login.status === 202, `login: ${login.status}`);
  assert.equal(login.headers.get('cache-control'), 'no-store', 'the login answer (a session token) is not stored');
  security(login.headers, 'login');
  await login.text();
  const minted = await api(A.url, A.duty, 'POST', '/v1/tokens', { label: 'automation' });
  assert.equal(minted.status, 201, minted.text);
  assert.equal(minted.headers['cache-control'], 'no-store', 'a new API token is not stored');
  const lines = await api(A.url, A.duty, 'GET', '/v1/lines');
  assert.equal(lines.status, 200);
  assert.equal(lines.headers['cache-control'], 'no-store', 'authenticated reads are not stored');
});

test('browser requests from a page on another site are refused with 403 and a reason; same-origin and non-browser requests pass', { timeout: 60_000 }, async () => {
  const call = (path: string, origin: string | undefined, init: { method?: string; body?: string; token?: string } = {}) =>
    fetchStation(`${A.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(origin !== undefined ? { origin } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body,
    });
  const login = JSON.stringify({ name: 'duty', password: PASSWORD });
  for (const origin of ['https://evil.example', 'null', `https://127.0.0.1:${A.port + 1}`, `https://localhost:${A.port}`]) {
    const r = await call('/v1/session', origin, { method: 'POST', body: login });
    assert.equal(r.status, 403, `login from ${origin}`);
    const body = await r.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /not from this station's console/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    const read = await call('/v1/lines', origin, { token: A.duty });
    assert.equal(read.status, 403, `a read with a token from ${origin}`);
    await read.text();
  }
  const same = await call('/v1/lines', A.url, { token: A.duty });
  assert.equal(same.status, 200, 'the console itself (same origin)');
  await same.text();
  const sameLogin = await call('/v1/session', A.url, { method: 'POST', body: login });
  assert.ok(sameLogin.status === 201 || sameLogin.status === 202, `same-origin login: ${sameLogin.status}`);
  await sameLogin.text();
  const none = await call('/v1/lines', undefined, { token: A.duty });
  assert.equal(none.status, 200, 'no Origin: not a browser, judged by its token');
  await none.text();
});

/** Resolves true when the server closes the socket before `ms` (a bound for the test, not a measurement). */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('idle and slow connections time out and cannot take the API from others; an open console keeps hearing', { timeout: 90_000 }, async () => {
  const created = await api(A.url, A.root, 'POST', '/v1/lines', { id: 'flood', title: 'Under a flood', parties: [], members: ['duty'] });
  assert.equal(created.status, 201, created.text);
  const console_ = await listen(A.url, A.duty);
  const flood: Socket[] = [];
  const FROM = '127.0.0.2'; // a loopback address of its own: the flood's per-address places are not the console's
  const per = 16;
  try {
    const stillServed = async (text: string) => {
      const sent = await api(A.url, A.duty, 'POST', '/v1/lines/flood/messages', { text });
      assert.equal(sent.status, 201, `the API answers during the flood: ${sent.text}`);
      await console_.waitFor((e) => e.type === 'message' && e.message?.text === text, `the console hears "${text}"`);
    };

    // Connections that never start TLS hold every place the address has...
    for (let i = 0; i < per; i++) {
      const s = netConnect({ host: '127.0.0.1', port: A.port, localAddress: FROM });
      s.on('error', () => undefined);
      flood.push(s);
    }
    await Promise.all(flood.map((s) => (s.readyState === 'open' ? undefined : once(s, 'connect'))));
    // ...so one more from it is turned away at once, without a handshake,
    const extra = insecure(A.port, FROM);
    const outcome = await new Promise<string>((resolve) => {
      extra.once('secureConnect', () => resolve('served'));
      extra.once('error', () => resolve('refused'));
      extra.once('close', () => resolve('refused'));
    });
    extra.destroy();
    assert.equal(outcome, 'refused', 'a connection over the per-address cap is closed');
    // ...while everyone else is served, and the open console hears what is sent.
    await stillServed('during the handshake flood');
    for (const s of flood) assert.ok(await closedWithin(s, 20_000), 'a connection that never finishes its TLS handshake is dropped');

    // Slowloris: TLS done, then headers one line at a time, never finished.
    const slow: TLSSocket[] = [];
    for (let i = 0; i < per; i++) slow.push(await admitted(A.port, FROM));
    const answers = slow.map(() => '');
    slow.forEach((s, i) => {
      s.on('data', (d) => (answers[i] += d));
      s.write(`GET /v1/station HTTP/1.1\r\nHost: 127.0.0.1:${A.port}\r\n`);
    });
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(`X-Drip: ${Date.now()}\r\n`);
    }, 100);
    try {
      await stillServed('during the slow-headers flood');
      for (const s of slow) assert.ok(await closedWithin(s, 20_000), 'a request whose headers never end is closed');
    } finally {
      clearInterval(drip);
    }
    assert.ok(answers.every((a) => a === '' || a.startsWith('HTTP/1.1 408')), `the slow senders got 408 or nothing: ${answers.filter((a) => a).map((a) => a.split('\r\n')[0])}`);

    // An idle kept-alive connection is let go too.
    const idle = await admitted(A.port, FROM);
    let reply = '';
    idle.on('data', (d) => (reply += d));
    idle.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${A.port}\r\n\r\n`);
    await eventually(async () => reply.includes('"ok"'), 'the health answer');
    assert.ok(await closedWithin(idle, 20_000), 'an idle keep-alive connection is closed');

    await stillServed('after the flood');
  } finally {
    for (const s of flood) s.destroy();
    console_.close();
  }
});

test('operator certificate files from the ministry PKI are served, and replaced ones are served without a restart', { timeout: 90_000 }, async () => {
  const ca = await generate([{ name: 'commonName', value: 'Ministry Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const issue = (n: number) => generate([{ name: 'commonName', value: `station-${n}` }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const [one, two, three] = await Promise.all([issue(1), issue(2), issue(3)]);
  const fp = async (pem: string) => new (await import('node:crypto')).X509Certificate(pem).fingerprint256;

  const dir = await makeStationDir('Paris', { root: 'admin' });
  dirs.push(dir);
  const pki = join(dir.dir, 'pki');
  mkdirSync(pki);
  const caFile = join(work, 'ministry-ca.pem');
  writeFileSync(caFile, ca.cert);
  // As a renewal tool does: write beside, then rename over.
  const put = (name: string, text: string) => {
    writeFileSync(join(pki, `${name}.new`), text, { mode: 0o600 });
    renameSync(join(pki, `${name}.new`), join(pki, name));
  };
  put('station.pem', one.cert);
  put('station.key', one.private);
  const path = join(dir.dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), tls: { cert: 'pki/station.pem', key: 'pki/station.key' } }));
  const proc = await startStation(dir.dir);
  running.push(proc);
  const port = Number(new URL(proc.url).port);
  assert.equal((await presented(port)).fingerprint, await fp(one.cert));

  const viaCa = await cli(['line', 'list', '--url', proc.url, '--token', dir.tokens.root, '--ca', caFile]);
  assert.equal(viaCa.code, 0, `the CLI trusts the ministry's CA: ${viaCa.stderr}`);
  const agent = new Agent({ connect: { ca: ca.cert } });
  const fetched = await fetch(`${proc.url}/v1/station`, { dispatcher: agent });
  assert.equal(fetched.status, 200);
  assert.equal(fetched.headers.get('strict-transport-security'), HSTS);
  await fetched.text();

  put('station.key', two.private);
  put('station.pem', two.cert);
  await eventually(async () => (await presented(port)).fingerprint === (await fp(two.cert)), 'the renewed certificate served', 20_000);
  assert.equal((await fetch(`${proc.url}/healthz`, { dispatcher: agent })).status, 200, 'verified against the CA after the renewal');

  // Half a renewal (new certificate, old key) is refused; the station keeps the pair that works.
  const refusals = () => proc.output().split('API certificate not reloaded').length - 1;
  const before = refusals();
  put('station.pem', three.cert);
  await eventually(async () => refusals() > before, 'the mismatched pair refused', 20_000);
  assert.equal((await presented(port)).fingerprint, await fp(two.cert));
  put('station.key', three.private);
  await eventually(async () => (await presented(port)).fingerprint === (await fp(three.cert)), 'the completed renewal served', 20_000);

  // SIGHUP asks for a reload; it does not stop the station.
  proc.proc.kill('SIGHUP');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(proc.proc.exitCode, null);
  assert.equal((await fetch(`${proc.url}/healthz`, { dispatcher: agent })).status, 200);
  await agent.close();
});

test('plain HTTP only when asked for, and only on loopback', { timeout: 60_000 }, async () => {
  const dir = await makeStationDir('Kyiv', { root: 'admin' });
  dirs.push(dir);
  const path = join(dir.dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), plainHttp: true }));

  /** `hotline serve` that must refuse to start: it is killed if it does not exit by itself. */
  const refused = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [BIN, 'serve', '--dir', dir.dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.once('exit', (code) => (clearTimeout(timer), resolve({ code, out })));
  });
  for (const listenOn of ['0.0.0.0:0', '[::]:0', '192.0.2.1:0']) {
    const r = await refused(['--listen', listenOn, '--peer-listen', '127.0.0.1:0']);
    assert.equal(r.code, errorTable.bad_request.exit, r.out);
    assert.match(r.out, /plain HTTP is allowed only on a loopback listen address/);
    oneLine(r.out);
  }

  const proc = await startStation(dir.dir);
  running.push(proc);
  assert.match(proc.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await api(proc.url, dir.tokens.root, 'GET', '/v1/lines');
  assert.equal(r.status, 200);
  assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
});
