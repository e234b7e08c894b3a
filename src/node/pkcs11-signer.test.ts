import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pkcs11js from 'pkcs11js';
import { HotlineError } from '../core/errors.ts';
import { softHsm, type SoftHsm } from '../../test/support/softhsm.ts';
import { generatePkcs11Key, hasPkcs11Key, openPkcs11Signer, pkcs11KeyLabels, relabelPkcs11Key, type Pkcs11Token } from './pkcs11-signer.ts';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const verifies = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
  verify(null, message, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }), signature);

const rejectsWith = (f: () => unknown, code: string, text: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof HotlineError && e.code === code && text.test(e.message), `expected ${code} matching ${text}`);

let hsm: SoftHsm;
let at: Pkcs11Token;

before(() => {
  hsm = softHsm();
  hsm.initToken('hotline-unit');
  hsm.initToken('other', '1111');
  // SoftHSM reads its configuration when the module initialises: before any signer in this process.
  process.env.SOFTHSM2_CONF = hsm.env.SOFTHSM2_CONF;
  at = { module: hsm.module, token: 'hotline-unit', pin: '1234' };
});
after(() => hsm?.cleanup());

/** What a separate process that knows the PIN can read of the key labelled `label` (pkcs11js directly, no Hotline code). */
function inspectFromOutside(label: string): { value: string; extractable: boolean; sensitive: boolean; neverExtractable: boolean; local: boolean; point: string } {
  const script = `
    const P = require('pkcs11js'); const p = new P.PKCS11(); p.load(${JSON.stringify(hsm.module)}); p.C_Initialize();
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === 'hotline-unit');
    const s = p.C_OpenSession(slot, P.CKF_SERIAL_SESSION); p.C_Login(s, P.CKU_USER, '1234');
    const one = (cls) => { p.C_FindObjectsInit(s, [{ type: P.CKA_CLASS, value: cls }, { type: P.CKA_LABEL, value: ${JSON.stringify(label)} }]); const [h] = p.C_FindObjects(s, 1); p.C_FindObjectsFinal(s); return h; };
    const k = one(P.CKO_PRIVATE_KEY);
    let value; try { p.C_GetAttributeValue(s, k, [{ type: P.CKA_VALUE }]); value = 'read'; } catch (e) { value = e.message.split(':')[0]; }
    const [x, se, nx, lo] = p.C_GetAttributeValue(s, k, [{ type: P.CKA_EXTRACTABLE }, { type: P.CKA_SENSITIVE }, { type: P.CKA_NEVER_EXTRACTABLE }, { type: P.CKA_LOCAL }]).map((a) => a.value[0] === 1);
    const [pt] = p.C_GetAttributeValue(s, one(P.CKO_PUBLIC_KEY), [{ type: P.CKA_EC_POINT }]);
    p.C_Finalize();
    console.log(JSON.stringify({ value, extractable: x, sensitive: se, neverExtractable: nx, local: lo, point: pt.value.toString('hex') }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...hsm.env }, encoding: 'utf8' }));
}

describe('PKCS#11 signer on SoftHSM2', () => {
  test('a key generated in the token signs Ed25519 that node:crypto verifies, and opens again by label', () => {
    const made = generatePkcs11Key(at, 'hotline-A');
    try {
      const message = new TextEncoder().encode('checkpoint body');
      const signature = made.sign(message);
      assert.equal(signature.length, 64);
      assert.ok(verifies(made.publicKey, message, signature));
      assert.equal(made.where, 'PKCS#11 token hotline-unit, key hotline-A');
      const again = openPkcs11Signer(at, 'hotline-A');
      try {
        assert.deepEqual(again.publicKey, made.publicKey);
        assert.ok(verifies(again.publicKey, message, again.sign(message)));
        // Many signatures in a row on the one session, as the append path makes them.
        for (let i = 0; i < 200; i++) assert.ok(verifies(again.publicKey, message, again.sign(message)));
      } finally {
        again.close();
      }
      assert.ok(hasPkcs11Key(at, 'hotline-A'));
      assert.ok(!hasPkcs11Key(at, 'hotline-none'));
    } finally {
      made.close();
    }
  });

  test('the private key cannot leave the token: CKA_VALUE is refused, even to another process with the PIN', () => {
    const made = generatePkcs11Key(at, 'hotline-B');
    made.close();
    const seen = inspectFromOutside('hotline-B');
    assert.equal(seen.value, 'CKR_ATTRIBUTE_SENSITIVE');
    assert.equal(seen.extractable, false);
    assert.equal(seen.sensitive, true);
    assert.equal(seen.neverExtractable, true);
    assert.equal(seen.local, true, 'generated inside the token, not imported');
    assert.equal(seen.point, '0420' + Buffer.from(made.publicKey).toString('hex'), 'CKA_EC_POINT is the signer\'s public key');
  });

  test('wrong PIN, missing token, missing key and an unloadable module are HotlineErrors operators can read', () => {
    rejectsWith(() => openPkcs11Signer({ ...at, token: 'other', pin: '9999' }, 'k'), 'unauthenticated', /wrong PIN for the PKCS#11 token 'other'/);
    rejectsWith(() => openPkcs11Signer({ ...at, token: 'absent' }, 'k'), 'not_found', /no PKCS#11 token labelled 'absent' .*tokens present: .*'hotline-unit'/);
    rejectsWith(() => openPkcs11Signer(at, 'no-such-key'), 'not_found', /holds no private key labelled 'no-such-key'/);
    rejectsWith(() => openPkcs11Signer({ ...at, module: '/nonexistent/libpkcs11.so' }, 'k'), 'not_found', /cannot load the PKCS#11 module \/nonexistent\/libpkcs11.so/);
    rejectsWith(() => generatePkcs11Key(at, 'hotline-A'), 'conflict', /already holds a key labelled 'hotline-A'/);
    // The right PIN still works on the token after a wrong one.
    const ok = generatePkcs11Key({ ...at, token: 'other', pin: '1111' }, 'k');
    ok.close();
  });

  test('a retired key is relabelled and the token itself refuses to sign with it', () => {
    const old = generatePkcs11Key(at, 'hotline-C');
    try {
      assert.deepEqual(relabelPkcs11Key(at, 'hotline-C', 'hotline-C.retired-1', { retire: true }), { signOff: true });
      rejectsWith(() => openPkcs11Signer(at, 'hotline-C'), 'not_found', /no private key labelled 'hotline-C'/);
      rejectsWith(() => openPkcs11Signer(at, 'hotline-C.retired-1'), 'forbidden', /may not sign/);
      rejectsWith(() => old.sign(new Uint8Array([1])), 'unavailable', /CKR_KEY_FUNCTION_NOT_PERMITTED/);
      assert.deepEqual(pkcs11KeyLabels(at, 'hotline-C'), ['hotline-C.retired-1']);
    } finally {
      old.close();
    }
  });

  test('a relabelled key keeps signing (found by CKA_ID), and a lost session is opened again', () => {
    const signer = generatePkcs11Key(at, 'hotline-D');
    try {
      relabelPkcs11Key(at, 'hotline-D', 'hotline-D2');
      const message = new Uint8Array([7, 7, 7]);
      assert.ok(verifies(signer.publicKey, message, signer.sign(message)));
      // Another user of the module in this process closes every session on the token (as a restarted network HSM would lose them).
      const raw = new pkcs11js.PKCS11();
      raw.load(hsm.module);
      try {
        raw.C_Initialize();
      } catch {
        // already initialised by the signer
      }
      const slot = raw.C_GetSlotList(true).find((s) => raw.C_GetTokenInfo(s).label.trim() === 'hotline-unit')!;
      raw.C_CloseAllSessions(slot);
      assert.ok(verifies(signer.publicKey, message, signer.sign(message)), 'signs after logging in again');
    } finally {
      signer.close();
    }
  });

  test('closing the last signer logs out and finalizes; the token opens again afterwards', () => {
    const a = generatePkcs11Key(at, 'hotline-E');
    const b = openPkcs11Signer(at, 'hotline-E');
    a.close();
    assert.equal(b.sign(new Uint8Array([1])).length, 64, 'one signer closing leaves the session to the other');
    b.close();
    b.close();
    rejectsWith(() => b.sign(new Uint8Array([1])), 'internal', /used after close/);
    const c = openPkcs11Signer(at, 'hotline-E');
    assert.deepEqual(c.publicKey, a.publicKey);
    c.close();
  });
});
