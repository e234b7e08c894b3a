import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { nodeCrypto, newSeed, signerFromSeed } from '../../node/crypto.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import type { LinkMessage } from '../../core/link/messages.ts';
import { dial } from './dialer.ts';
import { handshake } from './handshake.ts';
import { listenForPeers, type PeerListener } from './link-server.ts';
import { protectLink } from './link-protection.ts';
import { LINK_MAX_PAYLOAD, raisePayloadLimit } from './payload-limit.ts';
import { CLOSE_FRAME_NOT_OPEN, PeerSession } from './peer-session.ts';
import { tlsIdentity } from './tls.ts';

// Two real ends over TLS on loopback, with the station's listener, dialer,
// handshake, exchange and sessions: a frame replayed, reordered or altered
// on the wire closes the session (4002) and is never handled.

const dir = mkdtempSync(join(tmpdir(), 'hotline-sealed-'));
const dialerSigner = signerFromSeed(newSeed());
const listenerSigner = signerFromSeed(newSeed());
let listener: PeerListener;
let arrivals: Array<(s: { session: PeerSession; handled: LinkMessage[] }) => void> = [];

after(async () => {
  await listener?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start() {
  listener ??= await listenForPeers(await tlsIdentity(dir), '127.0.0.1', 0, (arrival) => void (async () => {
    const { ws, socket } = arrival;
    const pinned = new Map([['Alpha', formatVerifierKey(nodeCrypto, 'Alpha', dialerSigner.publicKey)]]);
    const { peer, takeEarly } = await handshake(ws, socket, 'listener', { me: 'Bravo', signer: listenerSigner, crypto: nodeCrypto, pinned }, undefined, undefined, () => {
      raisePayloadLimit(ws, LINK_MAX_PAYLOAD + 16);
      arrival.authenticated();
    });
    const secured = await protectLink(ws, socket, 'listener', 'hybrid', { me: 'Bravo', peer, peerKey: dialerSigner.publicKey, signer: listenerSigner, crypto: nodeCrypto }, takeEarly());
    const handled: LinkMessage[] = [];
    const session = new PeerSession(peer, 'listener', 'test', ws, async (_s, m) => void handled.push(m), () => undefined, secured.takeEarly(), secured);
    arrivals.shift()?.({ session, handled });
  })());
  return listener;
}

/** A linked pair; `wire` records every frame the dialer puts on the socket, and can put any bytes there. */
async function linked() {
  const l = await start();
  const accepted = new Promise<{ session: PeerSession; handled: LinkMessage[] }>((r) => arrivals.push(r));
  const { ws, socket } = await dial(l.url, 5000);
  const pinned = new Map([['Bravo', formatVerifierKey(nodeCrypto, 'Bravo', listenerSigner.publicKey)]]);
  const { key, takeEarly } = await handshake(ws, socket, 'dialer', { me: 'Alpha', signer: dialerSigner, crypto: nodeCrypto, pinned }, 'Bravo', undefined, () => raisePayloadLimit(ws, LINK_MAX_PAYLOAD + 16));
  assert.ok(key.startsWith('Bravo+'));
  const secured = await protectLink(ws, socket, 'dialer', 'hybrid', { me: 'Alpha', peer: 'Bravo', peerKey: listenerSigner.publicKey, signer: dialerSigner, crypto: nodeCrypto }, takeEarly());
  const frames: Buffer[] = [];
  const send = ws.send.bind(ws) as (data: Buffer, options?: object) => void;
  (ws as unknown as { send: (data: Buffer, options?: object) => void }).send = (data, options) => {
    frames.push(Buffer.from(data));
    send(data, options);
  };
  const session = new PeerSession('Bravo', 'dialer', l.url, ws, async () => undefined, () => undefined, secured.takeEarly(), secured);
  const far = await accepted;
  const closedWith = new Promise<number>((r) => (far.session as unknown as { ws: WebSocket }).ws.once('close', (code: number) => r(code)));
  return { session, far, frames, raw: (b: Buffer) => send(b, { binary: true }), closedWith, protection: secured.protection };
}

// One line per message: the session merges acknowledgements of one log, and these must each arrive.
const have = (size: number): LinkMessage => ({ t: 'have', logs: [{ line: `line-${size}`, party: 'Alpha', size }] });
const sizes = (m: LinkMessage[]) => m.map((x) => (x.t === 'have' ? x.logs[0].size : -1));
const until = async (check: () => boolean) => {
  for (let i = 0; !check(); i++) {
    if (i > 2000) throw new Error('not within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('sealed messages arrive in order; the frames on the wire are not the JSON', async () => {
  const { session, far, frames, protection } = await linked();
  assert.equal(protection.exchange, 'X25519+ML-KEM-768');
  for (let i = 0; i < 5; i++) session.send(have(i));
  await until(() => far.handled.length === 5);
  assert.deepEqual(sizes(far.handled), [0, 1, 2, 3, 4]);
  assert.equal(frames.length, 5);
  assert.ok(frames.every((f) => !f.includes(Buffer.from('"have"'))), 'no plaintext on the socket');
  session.close();
});

test('a replayed frame closes the session with 4002, and is not handled twice', async () => {
  const { session, far, frames, raw, closedWith } = await linked();
  session.send(have(1));
  await until(() => far.handled.length === 1);
  raw(frames[0]);
  assert.equal(await closedWith, CLOSE_FRAME_NOT_OPEN);
  assert.deepEqual(sizes(far.handled), [1]);
});

test('reordered frames close the session before either is handled', async () => {
  const { session, far, frames, raw, closedWith } = await linked();
  // Seal two frames without sending them, then put them on the wire the other way round.
  const ws = (session as unknown as { ws: { send: (d: Buffer) => void } }).ws;
  const held: Buffer[] = [];
  ws.send = (d: Buffer) => void held.push(Buffer.from(d));
  session.send(have(1));
  session.send(have(2));
  raw(held[1]);
  raw(held[0]);
  assert.equal(await closedWith, CLOSE_FRAME_NOT_OPEN);
  assert.deepEqual(far.handled, []);
  assert.equal(frames.length, 0);
});

test('an altered frame, or one not sealed at all, closes the session', async () => {
  for (const bad of ['altered', 'plain JSON'] as const) {
    const { session, far, frames, raw, closedWith } = await linked();
    const ws = (session as unknown as { ws: { send: (d: Buffer) => void } }).ws;
    const held: Buffer[] = [];
    ws.send = (d: Buffer) => void held.push(Buffer.from(d));
    session.send(have(7));
    const frame = bad === 'altered' ? Buffer.from(held[0]) : Buffer.from(JSON.stringify(have(7)));
    if (bad === 'altered') frame[3] ^= 0x20;
    raw(frame);
    assert.equal(await closedWith, CLOSE_FRAME_NOT_OPEN, bad);
    assert.deepEqual(far.handled, [], bad);
    assert.equal(frames.length, 0);
  }
});
