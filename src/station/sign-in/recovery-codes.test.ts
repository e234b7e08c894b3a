import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode, RECOVERY_CODES } from './recovery-codes.ts';

test('ten distinct recovery codes of 80 bits, grouped for reading', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, RECOVERY_CODES);
  assert.equal(new Set(codes).size, RECOVERY_CODES);
  for (const c of codes) assert.match(c, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
});

test('a code typed in lower case, without dashes or with look-alike letters hashes the same', () => {
  const [code] = newRecoveryCodes();
  const hash = Buffer.from(hashRecoveryCode(code)).toString('hex');
  assert.equal(Buffer.from(hashRecoveryCode(code.toLowerCase().replace(/-/g, ' '))).toString('hex'), hash);
  assert.equal(normaliseRecoveryCode('o1il-0000'), '01110000');
  assert.notEqual(Buffer.from(hashRecoveryCode(newRecoveryCodes()[0])).toString('hex'), hash);
});
