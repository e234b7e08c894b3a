import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTotpSecret, totpCode, totpStep, totpUri } from './totp.ts';

// RFC 6238 Appendix B: the SHA-1 key is the ASCII "12345678901234567890", codes of 8 digits.
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
];

test('the station\'s TOTP code path reproduces the RFC 6238 Appendix B test vectors (SHA-1)', async () => {
  for (const [seconds, code] of RFC_VECTORS) {
    assert.equal(await totpCode(RFC_SECRET, seconds * 1000, 8), code, `T = ${seconds}`);
    assert.equal(await totpStep(RFC_SECRET, code, seconds * 1000, { digits: 8 }), Math.floor(seconds / 30), `verifies at T = ${seconds}`);
  }
});

test('a code is good for the step before and after, not two away, and never again once its step is used', async () => {
  const secret = newTotpSecret();
  const t = 1_700_000_000_000;
  const code = await totpCode(secret, t);
  assert.match(code, /^\d{6}$/);
  const step = Math.floor(t / 30_000);
  assert.equal(await totpStep(secret, code, t), step);
  assert.equal(await totpStep(secret, code, t + 30_000), step, 'one step late');
  assert.equal(await totpStep(secret, code, t - 30_000), step, 'one step early');
  assert.equal(await totpStep(secret, code, t + 90_000), null, 'three steps late');
  assert.equal(await totpStep(secret, code, t, { afterStep: step }), null, 'the same step again');
  assert.equal(await totpStep(secret, code, t, { afterStep: step - 1 }), step);
  assert.equal(await totpStep(secret, '12345', t), null, 'five digits');
  assert.equal(await totpStep(secret, 'abcdef', t), null);
  assert.equal(await totpStep(newTotpSecret(), code, t), null, 'another secret');
});

test('the enrolment URI names the station and the member for the authenticator app', () => {
  const uri = new URL(totpUri('JBSWY3DPEHPK3PXP', 'Washington', 'alice'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
  assert.equal(uri.searchParams.get('issuer'), 'Hotline Washington');
  assert.match(decodeURIComponent(uri.pathname), /alice/);
});
