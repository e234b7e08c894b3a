import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { answer, deriveSessionKeys, offer, x25519Pair } from '../../station/link/hybrid-exchange.ts';
import { newSeed, signerFromSeed } from '../../node/crypto.ts';
import { FrameSeal } from '../../station/link/frame-seal.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { frameNonce, fullTranscript, keyScheduleInputs, offerTranscript, splitSessionKeys, withinKeyBudget, SEALED_BYTES_PER_KEY, type FullTranscript } from './hybrid.ts';

// The session keys must depend on both shared secrets: then the link's content
// stays secret while either X25519 or ML-KEM-768 holds. These tests fail if
// either share is left out of the derivation, or its bytes move.

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** RFC 5869 by hand (HMAC-SHA256), independent of node's hkdfSync that the station uses. */
function hkdfByHand(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length * 32 < length; i++) {
    t = createHmac('sha256', prk).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out.push(t);
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

const ssX = bytes(32, 0x11);
const ssK = bytes(32, 0x22);
const exporter = bytes(32, 0x33);
const th = bytes(32, 0x44);

test('known answer: the keys are HKDF-SHA256(ssX25519 ‖ ssMLKEM, salt = exporter, info = label ‖ transcript hash), dialer→listener first', () => {
  const info = Buffer.concat([Buffer.from('hotline/link/v1 session keys\n'), th]);
  const expected = hkdfByHand(Buffer.concat([ssX, ssK]), exporter, info, 64);
  const keys = deriveSessionKeys(ssX, ssK, exporter, th);
  assert.equal(hex(keys.dialerToListener), hex(expected.subarray(0, 32)));
  assert.equal(hex(keys.listenerToDialer), hex(expected.subarray(32)));
  assert.notEqual(hex(keys.dialerToListener), hex(keys.listenerToDialer));
  // The figures themselves, so that a change to the layout on both sides at once (code and this test) still shows.
  assert.equal(hex(expected), '7f4ec46332af7b35f5e7151b7e7b7d7ee7ade39a84d5669e1541229582a05df51e80ecea729c8a3bdfb6dc17d511deea86e1eaa7ce42e22c8b566aaf77a817ee');
});

test('each share counts: altering the X25519 or the ML-KEM secret changes both keys', () => {
  const real = deriveSessionKeys(ssX, ssK, exporter, th);
  for (let i = 0; i < 32; i += 7) {
    const x = ssX.slice();
    x[i] ^= 1;
    const k = ssK.slice();
    k[i] ^= 1;
    for (const other of [deriveSessionKeys(x, ssK, exporter, th), deriveSessionKeys(ssX, k, exporter, th)]) {
      assert.notEqual(hex(other.dialerToListener), hex(real.dialerToListener));
      assert.notEqual(hex(other.listenerToDialer), hex(real.listenerToDialer));
    }
  }
  // And the exporter (another TLS session) and the transcript (another share, name or key) change them too.
  assert.notEqual(hex(deriveSessionKeys(ssX, ssK, bytes(32, 0x34), th).dialerToListener), hex(real.dialerToListener));
  assert.notEqual(hex(deriveSessionKeys(ssX, ssK, exporter, bytes(32, 0x45)).dialerToListener), hex(real.dialerToListener));
});

/** The derivation as it would be if one share were left out: the same layout with that secret missing (or zeroed). */
function withoutShare(which: 'x25519' | 'mlkem', how: 'omitted' | 'zeroed') {
  const k = keyScheduleInputs(ssX, ssK, exporter, th);
  const kept = which === 'x25519' ? ssK : ssX;
  const ikm = how === 'omitted' ? kept : which === 'x25519' ? Buffer.concat([bytes(32, 0), ssK]) : Buffer.concat([ssX, bytes(32, 0)]);
  return splitSessionKeys(new Uint8Array(hkdfSync('sha256', ikm, k.salt, k.info, k.length)));
}

test('a derivation that leaves either share out gives other keys, and a session whose one side derives so cannot carry a single message', () => {
  const real = deriveSessionKeys(ssX, ssK, exporter, th);
  for (const which of ['x25519', 'mlkem'] as const) {
    for (const how of ['omitted', 'zeroed'] as const) {
      const lacking = withoutShare(which, how);
      assert.notEqual(hex(lacking.dialerToListener), hex(real.dialerToListener), `${which} ${how}`);
      assert.notEqual(hex(lacking.listenerToDialer), hex(real.listenerToDialer), `${which} ${how}`);
      // The dialer derived properly; the listener left a share out. Neither direction opens.
      const dialer = new FrameSeal(real.dialerToListener, real.listenerToDialer);
      const listener = new FrameSeal(lacking.listenerToDialer, lacking.dialerToListener);
      assert.throws(() => listener.open(dialer.seal(Buffer.from('{"t":"have","logs":[]}'))), /did not open/, `${which} ${how}: dialer → listener`);
      assert.throws(() => dialer.open(listener.seal(Buffer.from('{"t":"have","logs":[]}'))), /did not open/, `${which} ${how}: listener → dialer`);
    }
  }
});

test('with real X25519 and ML-KEM-768 secrets, both ends derive the same keys only when both use both shares', () => {
  const a = generateKeyPairSync('x25519');
  const b = generateKeyPairSync('x25519');
  const x1 = new Uint8Array(diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey }));
  const x2 = new Uint8Array(diffieHellman({ privateKey: b.privateKey, publicKey: createPublicKey(a.publicKey.export({ format: 'pem', type: 'spki' })) }));
  const kem = ml_kem768.keygen();
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(kem.publicKey);
  const k1 = ml_kem768.decapsulate(cipherText, kem.secretKey);
  const e = new Uint8Array(randomBytes(32));
  const dialer = deriveSessionKeys(x1, k1, e, th);
  const listener = deriveSessionKeys(x2, sharedSecret, e, th);
  assert.equal(hex(dialer.dialerToListener), hex(listener.dialerToListener));
  const d = new FrameSeal(dialer.dialerToListener, dialer.listenerToDialer);
  const l = new FrameSeal(listener.listenerToDialer, listener.dialerToListener);
  assert.equal(l.open(d.seal(Buffer.from('one'))).toString(), 'one');
  assert.equal(d.open(l.seal(Buffer.from('two'))).toString(), 'two');
  // A ciphertext for another key decapsulates to another secret (implicit rejection): the keys differ.
  const stranger = ml_kem768.keygen();
  const wrong = ml_kem768.decapsulate(cipherText, stranger.secretKey);
  assert.notEqual(hex(deriveSessionKeys(x1, wrong, e, th).dialerToListener), hex(dialer.dialerToListener));
});

test('the transcript: fixed lengths, length-prefixed names, every share in it', () => {
  const t: FullTranscript = {
    dialer: 'Washington', listener: 'Москва', dialerKey: bytes(32, 1), listenerKey: bytes(32, 2), exporter: bytes(32, 3), tlsGroup: 'X25519',
    dialerX25519: bytes(32, 4), mlkemEncapsulationKey: bytes(1184, 5), listenerX25519: bytes(32, 6), mlkemCiphertext: bytes(1088, 7),
  };
  const offer = offerTranscript(t);
  const name = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
  const expected = Buffer.concat([Buffer.from('hotline/link/kex/v1\n'), name('Washington'), name('Москва'), t.dialerKey, t.listenerKey, t.exporter, name('X25519'), t.dialerX25519, t.mlkemEncapsulationKey]);
  assert.equal(hex(offer), hex(expected));
  assert.equal(hex(fullTranscript(t)), hex(Buffer.concat([expected, t.listenerX25519, t.mlkemCiphertext])));
  // Moving a byte from one name to the other changes the transcript: names cannot run into each other.
  assert.notEqual(hex(sha256(offerTranscript({ ...t, dialer: 'Washingto', listener: 'nМосква' }))), hex(sha256(offer)));
  assert.throws(() => offerTranscript({ ...t, mlkemEncapsulationKey: bytes(1183, 5) }), /1183 bytes, not 1184/);
  assert.throws(() => fullTranscript({ ...t, mlkemCiphertext: bytes(1089, 7) }), /1089 bytes, not 1088/);
  assert.equal(nodeCrypto.sha256(offer).length, 32);
});

test('frame nonces: four zero bytes and the counter, big-endian; the key budget', () => {
  assert.equal(hex(frameNonce(0)), '000000000000000000000000');
  assert.equal(hex(frameNonce(1)), '000000000000000000000001');
  assert.equal(hex(frameNonce(0x0102030405)), '000000000000000102030405');
  assert.equal(hex(frameNonce(Number.MAX_SAFE_INTEGER)), '00000000001fffffffffffff');
  assert.throws(() => frameNonce(-1));
  assert.throws(() => frameNonce(1.5));
  assert.ok(withinKeyBudget(0, 0, 1000));
  assert.ok(withinKeyBudget(10, SEALED_BYTES_PER_KEY - 1000, 1000));
  assert.ok(!withinKeyBudget(10, SEALED_BYTES_PER_KEY - 999, 1000));
  assert.ok(!withinKeyBudget(2 ** 48, 0, 1));
});

test('the exchange itself, known answer: both ends\' keys are HKDF over both secrets, computed here independently from the ephemeral keys', () => {
  const dSigner = signerFromSeed(newSeed());
  const lSigner = signerFromSeed(newSeed());
  const e = new Uint8Array(randomBytes(32));
  const common = { dialer: 'Washington', listener: 'Moscow', dialerKey: dSigner.publicKey, listenerKey: lSigner.publicKey, exporter: e, crypto: nodeCrypto };
  const dx = x25519Pair();
  const lx = x25519Pair();
  const kem = ml_kem768.keygen();
  const m = new Uint8Array(randomBytes(32));
  const o = offer({ ...common, signer: dSigner }, 'X25519', { x25519: dx, mlkem: { publicKey: kem.publicKey, secretKey: kem.secretKey.slice() } });
  const a = answer({ ...common, signer: lSigner }, o.message, { x25519: lx, mlkemRandomness: m });
  const dialerKeys = o.finish(a.message);

  // Independently: the two shared secrets, the transcript as docs/link-protocol.md lays it out, HKDF by hand.
  const ssXHere = new Uint8Array(diffieHellman({ privateKey: dx.privateKey, publicKey: createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), lx.publicKey]), format: 'der', type: 'spki' }) }));
  const { cipherText, sharedSecret: ssKHere } = ml_kem768.encapsulate(kem.publicKey, m);
  assert.equal(hex(Buffer.from(a.message.ct, 'base64')), hex(cipherText));
  const name = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
  const transcript = Buffer.concat([
    Buffer.from('hotline/link/kex/v1\n'), name('Washington'), name('Moscow'), dSigner.publicKey, lSigner.publicKey, e, name('X25519'),
    dx.publicKey, kem.publicKey, lx.publicKey, cipherText,
  ]);
  const info = Buffer.concat([Buffer.from('hotline/link/v1 session keys\n'), sha256(transcript)]);
  const expected = hkdfByHand(Buffer.concat([ssXHere, ssKHere]), e, info, 64);
  assert.equal(hex(dialerKeys.dialerToListener), hex(expected.subarray(0, 32)));
  assert.equal(hex(dialerKeys.listenerToDialer), hex(expected.subarray(32)));
  assert.equal(hex(a.keys.dialerToListener), hex(expected.subarray(0, 32)));
  assert.equal(hex(a.keys.listenerToDialer), hex(expected.subarray(32)));
  // Leaving either secret out of that computation gives keys the exchange does not have.
  for (const ikm of [ssXHere, ssKHere, Buffer.concat([ssXHere, new Uint8Array(32)]), Buffer.concat([new Uint8Array(32), ssKHere])]) {
    assert.notEqual(hex(hkdfByHand(ikm, e, info, 64).subarray(0, 32)), hex(dialerKeys.dialerToListener));
  }
});
