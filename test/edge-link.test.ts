import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { PRE_AUTH_DEADLINE_MS, PRE_AUTH_PER_ADDRESS, PRE_AUTH_TOTAL } from '../src/station/link/admission.ts';
import { HELLO_DEADLINE_MS } from '../src/station/link/handshake.ts';
import { TLS_HANDSHAKE_MS, UPGRADE_HEADERS_MS } from '../src/station/link/link-server.ts';
import { WITNESS_HEADERS_MS, WITNESS_IDLE_MS, WITNESS_REQUEST_MS } from '../src/witness/app.ts';
import { WITNESS_PER_ADDRESS } from '../src/witness/serve.ts';
import { linkedStations, listen, shareLine, type Linked } from './support/linked.ts';
import { closedWithin, frame, malformedFrames, rawConnect, reset, stream, upgrade, writeQuietly, type RawSocket } from './support/raw-frames.ts';
import { api, BIN, eventually, ROOT } from './support/station.ts';

// Two real linked stations; the one whose listener carries the link is
// attacked at its link port, its API's event stream, and through a hostile
// endpoint it dials; a real witness is attacked at its port. After each class
// of attack, that station must still run, answer its API, keep its link to
// its peer up and carry an entry across it. Every hostile connection comes from
// its own loopback address (127.0.x.y), as a stranger on the network would, so
// that the per-address limit is what each one meets.

/** Longest any unauthenticated connection may live, from the station's own limits, with room for a loaded machine. */
const CLOSE_BOUND_MS = Math.max(PRE_AUTH_DEADLINE_MS, TLS_HANDSHAKE_MS + HELLO_DEADLINE_MS, UPGRADE_HEADERS_MS) + 10_000;

let net: Awaited<ReturnType<typeof linkedStations>>;
/** The station attacked, and its peer. */
let target: Linked;
let peer: Linked;
let sent = 0;
const open: RawSocket[] = [];
let nextAddress = 0;
/** A fresh loopback source address for each hostile connection. */
const stranger = () => {
  nextAddress++;
  return `127.0.${1 + Math.floor(nextAddress / 250)}.${1 + (nextAddress % 250)}`;
};

before(async () => {
  net = await linkedStations(['Alpha', 'Bravo'], { duty: 'duty_officer' });
  // The session may stand on either station's listener (whichever dial won); attack that one.
  let seen: unknown;
  const [a, b] = net.stations;
  await eventually(async () => {
    const link = (await a.as('duty', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === b.name);
    seen = link;
    if (link?.status !== 'up' || !link.endpoint) return false;
    [target, peer] = String(link.endpoint).startsWith('wss:') ? [b, a] : [a, b];
    return true;
  }, 'the link up', 30_000).catch((e) => {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(seen)}`);
  });
  await shareLine(peer, [target], 'edge', ['duty']);
}, { timeout: 90_000 });

after(async () => {
  for (const s of open) s.destroy();
  await net?.stop();
});

/** The child's resident memory; NaN once it has gone (which stillServing then reports). */
function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** The target is alive, answers, and its existing link to its peer still carries entries; returns the text sent. */
async function stillServing(what: string): Promise<string> {
  const proc = target.proc.proc;
  const tail = () => target.proc.output().slice(-3000);
  assert.equal(proc.exitCode, null, `${what}: the station exited\n${tail()}`);
  assert.equal(proc.signalCode, null, `${what}: the station was killed\n${tail()}`);
  const health = await api(target.proc.url, undefined, 'GET', '/healthz').catch((e: Error) => {
    throw new assert.AssertionError({ message: `${what}: /healthz did not answer (${e.message})\n${tail()}` });
  });
  assert.equal(health.status, 200, `${what}: /healthz`);
  await eventually(async () => (await target.as('duty', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === peer.name && l.status === 'up'), `${what}: the link to ${peer.name} up`, 30_000);
  const text = `after ${what} (${++sent})`;
  const r = await target.as('duty', 'POST', '/v1/lines/edge/messages', { text });
  assert.equal(r.status, 201, `${what}: send`);
  await eventually(async () => (await peer.as('duty', 'GET', '/v1/lines/edge/messages')).json.messages?.some((m: any) => m.text === text), `${what}: the entry at ${peer.name}`, 30_000);
  return text;
}

async function connect(url: string, localAddress = stranger(), tls?: boolean): Promise<RawSocket> {
  const s = await rawConnect(url, { localAddress, tls });
  open.push(s);
  return s;
}

/** Throws each case on its own fresh connection, all at once, and waits for the far end to close every one. */
async function eachClosed(cases: Array<{ name: string; run: () => Promise<RawSocket> }>): Promise<void> {
  const results = await Promise.all(cases.map(async (c) => {
    try {
      const s = await c.run();
      return { name: c.name, closed: await closedWithin(s, CLOSE_BOUND_MS) };
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      // Refused or reset while we were still writing: closed, which is the point.
      return { name: c.name, closed: true };
    }
  }));
  const lingering = results.filter((r) => !r.closed).map((r) => r.name);
  assert.deepEqual(lingering, [], 'every hostile connection is closed by the far end');
}

const linkUrl = () => target.proc.linkUrl;

/** The upgrade must be accepted: the attack that follows is on an open WebSocket, not a refused request. */
async function mustUpgrade(s: RawSocket, url: string, headers: Record<string, string> = {}): Promise<void> {
  let status: number;
  try {
    status = (await upgrade(s, url, headers)).status;
  } catch (e) {
    throw new assert.AssertionError({ message: `the upgrade to ${url} was not answered: ${(e as Error).message}` });
  }
  assert.equal(status, 101, `the upgrade to ${url} is accepted`);
}

test('malformed frames after a valid upgrade, each on its own connection, close that connection only', { timeout: 120_000 }, async () => {
  await eachClosed(malformedFrames('client').map((m) => ({
    name: m.name,
    run: async () => {
      const s = await connect(linkUrl());
      await mustUpgrade(s, linkUrl());
      writeQuietly(s, m.bytes);
      return s;
    },
  })));
  await stillServing('malformed frames after the upgrade');
});

test('the same frames in place of the upgrade request, and all of them on one connection', { timeout: 120_000 }, async () => {
  await eachClosed([
    ...malformedFrames('client').map((m) => ({
      name: m.name,
      run: async () => {
        const s = await connect(linkUrl());
        writeQuietly(s, m.bytes);
        return s;
      },
    })),
    {
      name: 'every malformed frame in a row',
      run: async () => {
        const s = await connect(linkUrl());
        await mustUpgrade(s, linkUrl());
        writeQuietly(s, Buffer.concat(malformedFrames('client').map((m) => m.bytes)));
        return s;
      },
    },
    {
      name: 'frames glued to the upgrade request',
      run: async () => {
        const s = await connect(linkUrl());
        const u = new URL(linkUrl());
        writeQuietly(s, Buffer.concat([Buffer.from(`GET /link HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`), ...malformedFrames('client').map((m) => m.bytes)]));
        return s;
      },
    },
  ]);
  await stillServing('malformed frames without an upgrade');
});

test('hostile hellos: long multi-byte names, unpinned names, a pinned name with a forged signature, non-JSON, a ping flood', { timeout: 120_000 }, async () => {
  const text = (payload: string | Buffer, opcode = 0x1) => frame({ opcode, payload });
  const hellos: Array<{ name: string; bytes: Buffer }> = [
    { name: 'a 64-character Cyrillic party name', bytes: text(JSON.stringify({ t: 'hello', party: 'я'.repeat(64), sig: 'AAAA' })) },
    { name: 'a party name of astral characters', bytes: text(JSON.stringify({ t: 'hello', party: '𝒳'.repeat(32), sig: 'AAAA' })) },
    { name: 'an unpinned party', bytes: text(JSON.stringify({ t: 'hello', party: 'Mallory', sig: 'AAAA' })) },
    { name: 'the pinned peer with a forged signature', bytes: text(JSON.stringify({ t: 'hello', party: peer.name, sig: Buffer.alloc(64).toString('base64') })) },
    { name: 'the pinned peer with a signature that is not base64', bytes: text(JSON.stringify({ t: 'hello', party: peer.name, sig: '!!!' })) },
    { name: 'not JSON', bytes: text('{"t":"hello",') },
    { name: 'a JSON array', bytes: text('[1,2,3]') },
    { name: 'a push before any hello', bytes: text(JSON.stringify({ t: 'push', line: 'edge', party: peer.name, start: 0, entries: [] })) },
    { name: 'a binary hello', bytes: text(Buffer.from(JSON.stringify({ t: 'hello', party: peer.name, sig: 'AAAA' })), 0x2) },
    { name: 'a thousand pings and no hello', bytes: Buffer.concat(Array.from({ length: 1000 }, () => frame({ opcode: 0x9, payload: 'p' }))) },
    { name: 'nothing at all after the upgrade', bytes: Buffer.alloc(0) },
    // Legal WebSocket, but no peer fragments a message: past the link's fragment limit it is refused.
    { name: 'a hello in 300 one-byte fragments', bytes: Buffer.concat([`{"t":"hello","party":"${peer.name}","sig":"`.padEnd(300, 'A')].map((c, i) => frame({ opcode: i === 0 ? 0x1 : 0x0, payload: c, fin: i === 299 }))) },
  ];
  await eachClosed(hellos.map((h) => ({
    name: h.name,
    run: async () => {
      const s = await connect(linkUrl());
      await mustUpgrade(s, linkUrl());
      writeQuietly(s, h.bytes);
      return s;
    },
  })));
  // A pinned name with the wrong key is worth a warning; what any stranger can send is not logged one by one.
  await eventually(async () => /not signed by its pinned key[^"]*","msg":"refused a link"/.test(target.proc.output()), 'the forged hello logged');
  assert.doesNotMatch(target.proc.output(), /is not a pinned peer|the hello was not JSON|no hello within/);
  await stillServing('hostile hellos');
});

test('garbage instead of TLS, a stalled TLS handshake, TLS without an upgrade, a slowloris upgrade, half-open connections, plain HTTP', { timeout: 120_000 }, async () => {
  const garbage = Buffer.alloc(64 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
  const slowloris = async () => {
    const s = await connect(linkUrl());
    const request = Buffer.from(`GET /link HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Padding: ${'a'.repeat(4000)}`);
    let i = 0;
    const drip = setInterval(() => (s.destroyed || i >= request.length ? clearInterval(drip) : writeQuietly(s, request.subarray(i, ++i))), 200);
    s.once('close', () => clearInterval(drip));
    return s;
  };
  await eachClosed([
    { name: 'garbage bytes over TCP', run: async () => { const s = await connect(linkUrl(), stranger(), false); writeQuietly(s, garbage); return s; } },
    { name: 'a plain-text HTTP request to the TLS port', run: async () => { const s = await connect(linkUrl(), stranger(), false); writeQuietly(s, 'GET /link HTTP/1.1\r\nHost: x\r\n\r\n'); return s; } },
    { name: 'the first bytes of a TLS record, then silence', run: async () => { const s = await connect(linkUrl(), stranger(), false); writeQuietly(s, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); return s; } },
    { name: 'a TCP connection that says nothing', run: () => connect(linkUrl(), stranger(), false) },
    { name: 'a TCP connection half-closed at once', run: async () => { const s = await connect(linkUrl(), stranger(), false); s.end(); return s; } },
    { name: 'TLS and never an upgrade', run: () => connect(linkUrl()) },
    { name: 'TLS, half-closed before the upgrade', run: async () => { const s = await connect(linkUrl()); s.end(); return s; } },
    { name: 'an upgraded connection half-closed before its hello', run: async () => { const s = await connect(linkUrl()); await mustUpgrade(s, linkUrl()); s.end(); return s; } },
    { name: 'a slowloris upgrade request', run: slowloris },
    { name: 'an upgrade to another path', run: async () => { const s = await connect(linkUrl()); await upgrade(s, linkUrl().replace('/link', '/other')).catch(() => undefined); return s; } },
    { name: 'an upgrade with a huge header', run: async () => { const s = await connect(linkUrl()); writeQuietly(s, `GET /link HTTP/1.1\r\nHost: x\r\nX: ${'b'.repeat(64 * 1024)}\r\n\r\n`); return s; } },
    {
      name: 'a plain GET over TLS',
      run: async () => {
        const s = await connect(linkUrl());
        const got = new Promise<string>((r) => s.once('data', (d) => r(String(d))));
        writeQuietly(s, 'GET /link HTTP/1.1\r\nHost: x\r\n\r\n');
        assert.match(await got, /^HTTP\/1\.1 426/);
        return s;
      },
    },
  ]);
  await stillServing('connection-level attacks');
});

test('oversized messages before the hello keep memory bounded', { timeout: 120_000 }, async () => {
  const pid = target.proc.proc.pid!;
  const baseline = rssKiB(pid);
  let peak = baseline;
  const sample = setInterval(() => {
    const now = rssKiB(pid);
    if (Number.isFinite(now)) peak = Math.max(peak, now);
  }, 50);
  const chunk = Buffer.alloc(256 * 1024, 0x41);
  // The attack that took a station from 160 MB to 950 MB: six connections each sending a 64 MiB message.
  const flood = async () => {
    const s = await connect(linkUrl());
    await mustUpgrade(s, linkUrl());
    writeQuietly(s, frame({ opcode: 0x1, declaredLength: 64n * 1024n * 1024n }).subarray(0, 14));
    await stream(s, chunk, (64 * 1024 * 1024) / chunk.length);
    return s;
  };
  try {
    await eachClosed(Array.from({ length: 12 }, (_, i) => ({ name: `flood ${i}`, run: flood })));
  } finally {
    clearInterval(sample);
  }
  const grownMiB = (peak - baseline) / 1024;
  // Without the pre-authentication limit this grew by ~130 MiB per connection.
  assert.ok(grownMiB < 200, `RSS grew by ${grownMiB.toFixed(0)} MiB under 12 oversized pre-hello messages (from ${(baseline / 1024).toFixed(0)} MiB)`);
  await stillServing('oversized messages before the hello');
});

test('unauthenticated connections are limited per address and in total', { timeout: 120_000 }, async () => {
  const settle = (ps: Array<Promise<RawSocket>>) => Promise.allSettled(ps);
  const one = stranger();
  const fromOne = await settle(Array.from({ length: PRE_AUTH_PER_ADDRESS + 8 }, () => connect(linkUrl(), one)));
  const held = fromOne.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<RawSocket>).value);
  // A refused connection may finish its TLS handshake a moment before the reset reaches it.
  const stillOpen = await Promise.all(held.map(async (s) => !(await closedWithin(s, 500))));
  assert.equal(stillOpen.filter(Boolean).length, PRE_AUTH_PER_ADDRESS, `one address holds at most ${PRE_AUTH_PER_ADDRESS} unauthenticated connections`);
  // Another address is not affected, nor is the existing link.
  const other = await connect(linkUrl());
  await mustUpgrade(other, linkUrl());
  await stillServing('a full address');
  // Once that address's connections go, it may connect again.
  for (const s of held) s.destroy();
  other.destroy();
  await eventually(async () => {
    const s = await connect(linkUrl(), one);
    const ok = !(await closedWithin(s, 300));
    s.destroy();
    return ok;
  }, 'the address admitted again once its connections closed');

  // Many addresses at once: no more than the total is held. A console connected before keeps hearing its station.
  const watching = await listen(target.proc.url, target.tokens.duty);
  const wave = await settle(Array.from({ length: PRE_AUTH_TOTAL + 40 }, () => connect(linkUrl())));
  const waveHeld = wave.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<RawSocket>).value);
  const waveOpen = (await Promise.all(waveHeld.map(async (s) => !(await closedWithin(s, 500))))).filter(Boolean).length;
  assert.ok(waveOpen <= PRE_AUTH_TOTAL, `${waveOpen} unauthenticated connections held, limit ${PRE_AUTH_TOTAL}`);
  assert.ok(waveOpen >= PRE_AUTH_TOTAL / 2, `${waveOpen} held: the total limit, not something smaller, refused the rest`);
  // The existing link is authenticated and does not count: it stays up while the listener is full.
  try {
    const text = await stillServing('a full listener');
    await watching.waitFor((e) => JSON.stringify(e).includes(text), 'the console hears the message sent while the listener is full', 30_000);
  } finally {
    watching.close();
    for (const s of waveHeld) s.destroy();
  }
});

test('a hostile endpoint that the station dials cannot end it either', { timeout: 120_000 }, async () => {
  const pems = await generate([{ name: 'commonName', value: 'mallory.example' }], { keyType: 'ec', curve: 'P-256' });
  // A sample of the malformed frames (the dialer backs off between attempts, up to 2 s each).
  const sample = new Set(['masked server frame', 'reserved opcode 0x3', 'invalid UTF-8 in a text frame', 'close code 999', 'a 2^63 length', 'a 64 MiB length before the hello']);
  const cases = [
    ...malformedFrames('server').filter((m) => sample.has(m.name)).map((m) => m.bytes),
    frame({ opcode: 0x1, payload: JSON.stringify({ t: 'hello', party: 'Charlie', sig: 'A'.repeat(8 * 1024) }), mask: false }),
    Buffer.alloc(0),
  ];
  let served = 0;
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer({ key: pems.private, cert: pems.cert, minVersion: 'TLSv1.3' }, (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    let head = '';
    s.on('data', (d) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      const key = /sec-websocket-key: (\S+)/i.exec(head)?.[1];
      if (!head.includes('\r\n\r\n') || !key) return;
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      s.write(cases[served++ % cases.length]);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const key = formatVerifierKey(nodeCrypto, 'Charlie', signerFromSeed(newSeed()).publicKey);
    const url = `wss://127.0.0.1:${(server.address() as { port: number }).port}/link`;
    const pinned = await target.as('root', 'POST', '/v1/peers', { name: 'Charlie', key, urls: [url] });
    assert.equal(pinned.status, 201, pinned.text);
    // The dialer retries with back-off; wait until every case has been answered at least once.
    await eventually(async () => served >= cases.length, `the station dialed the hostile endpoint ${cases.length} times`, 90_000);
    assert.equal((await target.as('duty', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Charlie').status, 'down');
    await stillServing('a hostile endpoint dialed');
  } finally {
    // Stop dialing it (there is no unpin route; a pin without endpoints waits to be dialed).
    await target.as('root', 'POST', '/v1/peers', { name: 'Charlie', key: formatVerifierKey(nodeCrypto, 'Charlie', signerFromSeed(newSeed()).publicKey), urls: [] });
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test('the API event stream: malformed frames before and after authentication, resets mid-upgrade, garbage', { timeout: 120_000 }, async () => {
  const url = target.proc.url;
  const events = `${url}/v1/events`;
  const token = target.tokens.duty;
  const tls = url.startsWith('https:');
  const refusedAnswer = async (s: RawSocket, headers: Record<string, string> = {}) => (await upgrade(s, events, headers).catch(() => ({ status: 0 }))).status;
  await eachClosed([
    ...malformedFrames('client').map((m) => ({
      name: `unauthenticated, then ${m.name}`,
      run: async () => {
        const s = await connect(url, stranger(), tls);
        const u = new URL(events);
        writeQuietly(s, Buffer.concat([Buffer.from(`GET /v1/events HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`), m.bytes]));
        return s;
      },
    })),
    ...malformedFrames('client').map((m) => ({
      name: `authenticated, then ${m.name}`,
      run: async () => {
        const s = await connect(url, stranger(), tls);
        await mustUpgrade(s, events, { authorization: `Bearer ${token}` });
        writeQuietly(s, m.bytes);
        return s;
      },
    })),
    { name: 'a wrong token', run: async () => { const s = await connect(url, stranger(), tls); assert.equal(await refusedAnswer(s, { authorization: 'Bearer nope' }), 401); return s; } },
    { name: 'garbage to the API port', run: async () => { const s = await connect(url, stranger(), false); writeQuietly(s, Buffer.alloc(8192, 0xfe)); return s; } },
  ]);
  // A client that resets its socket while the station is still deciding on its upgrade.
  for (let i = 0; i < 20; i++) {
    const s = await connect(url, stranger(), tls);
    s.write(`GET /v1/events?ticket=${'x'.repeat(i * 10)} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer bad${i}\r\n\r\n`);
    reset(s);
  }
  await stillServing('event stream attacks');
});

test('a neutral witness survives garbage, oversized and slow input', { timeout: 120_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'hotline-edge-witness-'));
  const dir = join(work, 'w');
  let proc: ChildProcess | undefined;
  try {
    const init = spawn(process.execPath, [BIN, 'witness', 'init', '--name', 'witness.example.org/edge', '--dir', dir, '--listen', '127.0.0.1:0'], { cwd: ROOT, stdio: 'ignore' });
    assert.equal(await new Promise((r) => init.once('exit', r)), 0, 'witness init');
    proc = spawn(process.execPath, [BIN, 'witness', 'serve', '--dir', dir, '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const url = await eventually(async () => /listening on (http:\/\/\S+)/.exec(out)?.[1], 'the witness listening', 20_000);
    const witness = proc;
    const alive = async (what: string) => {
      assert.equal(witness.exitCode, null, `${what}: the witness exited\n${out.slice(-3000)}`);
      const r = await fetch(`${url}/healthz`);
      assert.equal(r.status, 200, `${what}: /healthz`);
    };
    const answer = (s: RawSocket) => new Promise<string>((r) => {
      let got = '';
      s.on('data', (d) => (got += d));
      s.once('close', () => r(got));
    });
    const bound = Math.max(WITNESS_HEADERS_MS, WITNESS_REQUEST_MS, WITNESS_IDLE_MS) + 10_000;
    const cases: Array<{ name: string; run: () => Promise<RawSocket> }> = [
      { name: 'garbage bytes', run: async () => { const s = await connect(url); writeQuietly(s, Buffer.alloc(64 * 1024, 0x16)); return s; } },
      { name: 'a TLS hello to the plain port', run: async () => { const s = await connect(url); writeQuietly(s, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])); return s; } },
      { name: 'silence', run: () => connect(url) },
      {
        name: 'a slowloris request',
        run: async () => {
          const s = await connect(url);
          const request = Buffer.from(`POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(4000)}`);
          let i = 0;
          const drip = setInterval(() => (s.destroyed || i >= request.length ? clearInterval(drip) : writeQuietly(s, request.subarray(i, ++i))), 200);
          s.once('close', () => clearInterval(drip));
          return s;
        },
      },
      {
        name: 'a body that never finishes',
        run: async () => {
          const s = await connect(url);
          writeQuietly(s, 'POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nold 0\n');
          return s;
        },
      },
      {
        name: 'a 10 MiB body',
        run: async () => {
          const s = await connect(url);
          const got = new Promise<string>((r) => {
            s.once('data', (d) => r(String(d)));
            s.once('close', () => r(''));
          });
          writeQuietly(s, 'POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n');
          // The length alone is refused, before any of the body is read.
          assert.match(await got, /^HTTP\/1\.1 413/, 'an oversized body is refused with 413');
          for (let i = 0; i < 40 && !s.destroyed; i++) writeQuietly(s, Buffer.alloc(256 * 1024, 0x61));
          return s;
        },
      },
      {
        name: 'an endless chunked body',
        run: async () => {
          const s = await connect(url);
          const got = answer(s);
          writeQuietly(s, 'POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
          for (let i = 0; i < 40 && !s.destroyed; i++) writeQuietly(s, `40000\r\n${'b'.repeat(0x40000)}\r\n`);
          // The 413 may be lost to the reset that a close with unread input causes; the close itself is what counts.
          assert.match(await got, /^$|^HTTP\/1\.1 413/);
          return s;
        },
      },
      { name: 'a huge header', run: async () => { const s = await connect(url); writeQuietly(s, `GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${'c'.repeat(64 * 1024)}\r\n\r\n`); return s; } },
    ];
    const results = await Promise.all(cases.map(async (c) => {
      try {
        return { name: c.name, closed: await closedWithin(await c.run(), bound) };
      } catch (e) {
        if ((e as Error).name === 'AssertionError') throw e;
        return { name: c.name, closed: true };
      }
    }));
    assert.deepEqual(results.filter((r) => !r.closed).map((r) => r.name), [], 'every hostile connection to the witness is closed');
    await alive('hostile requests');

    // One address holding many connections: beyond the limit they are refused, and others still get through.
    const one = stranger();
    const many = await Promise.allSettled(Array.from({ length: WITNESS_PER_ADDRESS + 10 }, () => connect(url, one)));
    const held = many.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<RawSocket>).value);
    const stillOpen = (await Promise.all(held.map(async (s) => !(await closedWithin(s, 500))))).filter(Boolean).length;
    assert.equal(stillOpen, WITNESS_PER_ADDRESS, `one address holds at most ${WITNESS_PER_ADDRESS} connections to the witness`);
    await alive('a full address');
    for (const s of held) s.destroy();
  } finally {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc!.once('exit', r));
    }
    rmSync(work, { recursive: true, force: true });
  }
});
