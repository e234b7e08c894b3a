import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { FrameSeal } from './frame-seal.ts';

// Every link message after the exchange is sealed with an implied counter: a
// frame altered, replayed, reordered, dropped or reflected does not open, and
// once one fails the rest of the stream is refused.

function pair() {
  const d2l = new Uint8Array(randomBytes(32));
  const l2d = new Uint8Array(randomBytes(32));
  return { d2l, l2d, dialer: new FrameSeal(d2l, l2d), listener: new FrameSeal(l2d, d2l) };
}
const msg = (i: number) => Buffer.from(JSON.stringify({ t: 'have', logs: [{ line: 'l', party: 'P', size: i }] }));

test('frames open in order, both ways, and the bytes are AES-256-GCM with the counter nonce and a 16-byte tag', () => {
  const { d2l, dialer, listener } = pair();
  const frames = [0, 1, 2].map((i) => dialer.seal(msg(i)));
  assert.equal(frames[0].length, msg(0).length + 16);
  // Frame 1 by hand: nonce 0x00000000 ‖ 1 (64-bit big-endian), no associated data.
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(1, 8);
  const d = createDecipheriv('aes-256-gcm', d2l, nonce, { authTagLength: 16 });
  d.setAuthTag(frames[1].subarray(-16));
  assert.deepEqual(Buffer.concat([d.update(frames[1].subarray(0, -16)), d.final()]), msg(1));
  for (let i = 0; i < 3; i++) assert.deepEqual(listener.open(frames[i]), msg(i));
  assert.deepEqual(dialer.open(listener.seal(msg(9))), msg(9));
});

test('an altered frame does not open, and nothing after it does', () => {
  const { dialer, listener } = pair();
  const first = dialer.seal(msg(0));
  const second = dialer.seal(msg(1));
  for (const at of [0, first.length - 17, first.length - 1]) {
    const { dialer: d, listener: l } = pair();
    const f = d.seal(msg(0));
    f[at] ^= 0x01;
    assert.throws(() => l.open(f), /did not open/, `bit flipped at ${at}`);
    assert.throws(() => l.open(d.seal(msg(1))), /an earlier frame did not open/);
  }
  const cut = first.subarray(0, first.length - 1);
  assert.throws(() => listener.open(cut), /did not open/);
  // The good frames no longer open either: the stream is not trusted past a failure.
  assert.throws(() => listener.open(first), /an earlier frame did not open/);
  assert.throws(() => listener.open(second), /an earlier frame did not open/);
  assert.throws(() => pair().listener.open(Buffer.alloc(15)), /shorter than its tag/);
});

test('a replayed frame does not open', () => {
  const { dialer, listener } = pair();
  const f = dialer.seal(msg(0));
  assert.deepEqual(listener.open(f), msg(0));
  assert.throws(() => listener.open(f), /frame 1 did not open/);
});

test('reordered or dropped frames do not open', () => {
  const { dialer, listener } = pair();
  const f0 = dialer.seal(msg(0));
  const f1 = dialer.seal(msg(1));
  assert.throws(() => listener.open(f1), /frame 0 did not open/);
  const again = pair();
  again.dialer.seal(msg(0)); // dropped on the way
  assert.throws(() => again.listener.open(again.dialer.seal(msg(1))), /frame 0 did not open/);
  assert.ok(f0.length > 0);
});

test('a frame reflected back to its sender, or sealed under another session\'s keys, does not open', () => {
  const { dialer } = pair();
  assert.throws(() => dialer.open(dialer.seal(msg(0))), /did not open/);
  const other = pair();
  assert.throws(() => pair().listener.open(other.dialer.seal(msg(0))), /did not open/);
});
