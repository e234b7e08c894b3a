import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../../core/crypto.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { signRotation } from '../../core/keys/rotation.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import { newSeed, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { StationKey } from '../keys/station-key.ts';
import { dial } from './dialer.ts';
import { handshake, type Handshaken } from './handshake.ts';
import { listenForPeers, type Arrival } from './link-server.ts';
import type { PeerKeyFollowing } from './peer-keys.ts';
import { tlsIdentity } from './tls.ts';

// The hello over a real TLS WebSocket on loopback: a rotated peer is followed from its pin, a key the pin
// does not reach is remembered as offered and refused, and a revoked key links no more.

const dir = mkdtempSync(join(tmpdir(), 'hotline-handshake-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const vk = (name: string, s: Signer) => formatVerifierKey(c, name, s.publicKey);
const paris = signerFromSeed(newSeed());

/** What the listener (Paris) learnt: follows and offers, with the revocations it holds. */
function follower(revocations: Revocation[] = []) {
  const calls: { followed: string[][]; offered: string[][] } = { followed: [], offered: [] };
  const f: PeerKeyFollowing = {
    revocations: () => revocations,
    followed: (...a) => void calls.followed.push(a),
    offered: (...a) => void calls.offered.push(a),
  };
  return { f, calls };
}

/** Rome (signing with `rome`, carrying `rotations`) dials Paris, which pins `pinned` for Rome. */
async function shake(rome: Signer, rotations: string[], pinned: string, following: PeerKeyFollowing): Promise<{ listener: Handshaken | Error; dialer: Handshaken | Error }> {
  let arrived!: (a: Arrival) => void;
  const arrival = new Promise<Arrival>((r) => (arrived = r));
  const server = await listenForPeers(await tlsIdentity(dir), '127.0.0.1', 0, (a) => arrived(a));
  try {
    const romeKey = new StationKey('Rome', rome);
    romeKey.rotations = rotations;
    const { ws, socket } = await dial(server.url, 5000);
    const a = await arrival;
    const settle = (p: Promise<Handshaken>) => p.catch((e: Error) => e);
    const [listener, dialer] = await Promise.all([
      // A refusal closes the connection (as Links does), so the dialer hears it at once.
      settle(handshake(a.ws, a.socket, 'listener', { me: 'Paris', signer: new StationKey('Paris', paris), crypto: c, pinned: new Map([['Rome', pinned]]), peerKeys: following }, undefined, 3000)
        .catch((e) => {
          a.ws.terminate();
          throw e;
        })),
      settle(handshake(ws, socket, 'dialer', { me: 'Rome', signer: romeKey, crypto: c, pinned: new Map([['Paris', vk('Paris', paris)]]) }, 'Paris', 3000)),
    ]);
    ws.terminate();
    return { listener, dialer };
  } finally {
    await server.close();
  }
}

test('a peer that rotated is accepted under its new key when its statements lead there from the pin, and the pin follows', async () => {
  const [k1, k2, k3] = Array.from({ length: 3 }, () => signerFromSeed(newSeed()));
  const chain = [signRotation(c, { party: 'Rome', old: vk('Rome', k1), new: vk('Rome', k2), time: 1 }, k1, k2), signRotation(c, { party: 'Rome', old: vk('Rome', k2), new: vk('Rome', k3), time: 2 }, k2, k3)];
  const { f, calls } = follower();
  const { listener, dialer } = await shake(k3, chain, vk('Rome', k1), f);
  assert.ok(!(listener instanceof Error), String(listener));
  assert.equal(listener.peer, 'Rome');
  assert.equal(listener.key, vk('Rome', k3), 'verified under the key the rotations reached');
  assert.deepEqual(calls.followed, [['Rome', vk('Rome', k1), vk('Rome', k3)]]);
  assert.deepEqual(calls.offered, []);
  assert.ok(!(dialer instanceof Error) && dialer.key === vk('Paris', paris));
});

test('a key the pin does not lead to is refused and remembered as offered; a revoked key is refused and never offered', async () => {
  const [k1, k2] = Array.from({ length: 2 }, () => signerFromSeed(newSeed()));
  // A new key with no statement from the pinned one (the old key was lost): refused, the key remembered for the operators.
  const lost = follower();
  const one = await shake(k2, [], vk('Rome', k1), lost.f);
  assert.ok(one.listener instanceof Error && /not signed by its pinned key/.test(one.listener.message), String(one.listener));
  assert.deepEqual(lost.calls.offered, [['Rome', vk('Rome', k2)]]);
  assert.deepEqual(lost.calls.followed, []);

  // The pinned key is revoked here (a published statement, no replacement yet): its hello verifies, and is refused.
  const revoked = follower([{ party: 'Rome', key: vk('Rome', k1), compromisedAt: 1000 }]);
  const two = await shake(k1, [], vk('Rome', k1), revoked.f);
  assert.ok(two.listener instanceof Error && /key is revoked \(compromised since 1970-01-01T00:00:01.000Z\)/.test(two.listener.message), String(two.listener));
  assert.deepEqual(revoked.calls.offered, []);

  // A thief holding the revoked key, pinned now to the replacement: the hello names the revoked key, which is not offered.
  const moved = follower([{ party: 'Rome', key: vk('Rome', k1), compromisedAt: 1000, replacement: vk('Rome', k2) }]);
  const three = await shake(k1, [], vk('Rome', k2), moved.f);
  assert.ok(three.listener instanceof Error);
  assert.deepEqual(moved.calls.offered, [], 'a revoked key never overwrites the offered one');
});
