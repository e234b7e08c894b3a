import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { nodeCrypto, newSeed, signerFromSeed } from '../../node/crypto.ts';
import { toBase64, fromBase64 } from '../../core/encoding.ts';
import { FrameSeal } from './frame-seal.ts';
import { offerSigningInput } from '../../core/link/hybrid.ts';
import { answer, ExchangeError, offer, type ExchangeParties } from './hybrid-exchange.ts';

// The exchange between two ends, without a network: both derive the same
// keys; every share, the exporter (the TLS session) and both station keys
// are bound by the signatures, so a substitution is refused.

const dialerSigner = signerFromSeed(newSeed());
const listenerSigner = signerFromSeed(newSeed());
const exporter = new Uint8Array(randomBytes(32));

function ends(over: Partial<ExchangeParties> = {}) {
  const common = { dialer: 'Washington', listener: 'Moscow', dialerKey: dialerSigner.publicKey, listenerKey: listenerSigner.publicKey, exporter, crypto: nodeCrypto };
  return { dialer: { ...common, signer: dialerSigner, ...over }, listener: { ...common, signer: listenerSigner, ...over } };
}

const flip = (b64: string, at = 0) => {
  const b = fromBase64(b64);
  b[at] ^= 1;
  return toBase64(b);
};

test('both ends derive the same two keys, and sealed messages cross both ways', () => {
  const { dialer, listener } = ends();
  const o = offer(dialer, 'X25519');
  assert.equal(fromBase64(o.message.x25519).length, 32);
  assert.equal(fromBase64(o.message.mlkem).length, 1184);
  assert.ok(JSON.stringify(o.message).length < 4096, 'the offer fits the pre-authentication message limit');
  const a = answer(listener, o.message);
  assert.equal(fromBase64(a.message.ct).length, 1088);
  assert.equal(a.tlsGroup, 'X25519');
  const keys = o.finish(a.message);
  assert.deepEqual(keys, a.keys);
  const d = new FrameSeal(keys.dialerToListener, keys.listenerToDialer);
  const l = new FrameSeal(a.keys.listenerToDialer, a.keys.dialerToListener);
  assert.equal(l.open(d.seal(Buffer.from('hello over the link'))).toString(), 'hello over the link');
  assert.equal(d.open(l.seal(Buffer.from('and back'))).toString(), 'and back');
  // Fresh shares each time: two exchanges never give the same keys.
  const o2 = offer(dialer, 'X25519');
  assert.notDeepEqual(o2.finish(answer(listener, o2.message).message), keys);
});

test('the listener refuses an offer whose shares, TLS group or signature were changed', () => {
  const { dialer, listener } = ends();
  const o = offer(dialer, 'X25519').message;
  for (const [what, changed] of [
    ['X25519 share', { ...o, x25519: flip(o.x25519) }],
    ['ML-KEM key', { ...o, mlkem: flip(o.mlkem, 700) }],
    ['TLS group', { ...o, tlsGroup: 'X25519MLKEM768' }],
    ['signature', { ...o, sig: flip(o.sig) }],
  ] as const) {
    assert.throws(() => answer(listener, changed), (e: unknown) => e instanceof ExchangeError && e.kind === 'bad_signature', what);
  }
  assert.throws(() => answer(listener, { ...o, mlkem: toBase64(new Uint8Array(1183)) }), (e: unknown) => e instanceof ExchangeError && e.kind === 'bad_share');
  assert.throws(() => answer(listener, { ...o, x25519: '!!' }), /not base64/);
});

test('an offer from another TLS session, or signed by another station key, is refused', () => {
  const { dialer } = ends();
  const o = offer(dialer, '').message;
  // A man in the middle relaying between two TLS sessions: the listener's exporter differs.
  assert.throws(() => answer(ends({ exporter: new Uint8Array(randomBytes(32)) }).listener, o), /not signed by its station key for this TLS session/);
  // A pinned key other than the one that signed.
  assert.throws(() => answer(ends({ dialerKey: signerFromSeed(newSeed()).publicKey }).listener, o), /not signed/);
  // Another name for either end.
  assert.throws(() => answer({ ...ends().listener, listener: 'Paris' }, o), /not signed/);
});

test('the dialer refuses an answer whose share, ciphertext or signature were changed', () => {
  for (const change of ['x25519', 'ct', 'sig'] as const) {
    const { dialer, listener } = ends();
    const o = offer(dialer, 'X25519');
    const a = answer(listener, o.message).message;
    assert.throws(() => o.finish({ ...a, [change]: flip(a[change], change === 'ct' ? 500 : 0) }), /not signed by its station key/, change);
  }
  // An answer to another offer (a replayed answer) does not verify either.
  const { dialer, listener } = ends();
  const first = offer(dialer, 'X25519');
  const stale = answer(listener, first.message).message;
  assert.throws(() => offer(dialer, 'X25519').finish(stale), /not signed/);
});

test('a low-order X25519 share is refused even when signed: it would contribute nothing', () => {
  const { dialer, listener } = ends();
  const o = offer(dialer, '').message;
  // A dialer that signs an all-zero share (a point of small order) to take X25519 out of the keys.
  const zero = new Uint8Array(32);
  const t = { dialer: 'Washington', listener: 'Moscow', dialerKey: dialerSigner.publicKey, listenerKey: listenerSigner.publicKey, exporter, tlsGroup: '', dialerX25519: zero, mlkemEncapsulationKey: fromBase64(o.mlkem) };
  const sig = toBase64(dialerSigner.sign(offerSigningInput(nodeCrypto.sha256, t)));
  assert.throws(() => answer(listener, { ...o, x25519: toBase64(zero), sig }), (e: unknown) => e instanceof ExchangeError && e.kind === 'bad_share');
});
