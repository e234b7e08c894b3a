import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_DEFAULT_HOURS, TOKEN_MAX_HOURS, tokenExpiry } from './token-lifetime.ts';

test('tokens last 30 days unless asked, at most a year, and a lifetime outside that is a 400 naming the range', () => {
  assert.equal(tokenExpiry(1000, undefined), 1000 + TOKEN_DEFAULT_HOURS * 3600_000);
  assert.equal(tokenExpiry(1000, 0.5), 1000 + 1800_000);
  assert.equal(tokenExpiry(0, TOKEN_MAX_HOURS), TOKEN_MAX_HOURS * 3600_000);
  for (const bad of [0, -1, TOKEN_MAX_HOURS + 0.001, 1e308, Infinity, NaN]) {
    assert.throws(() => tokenExpiry(0, bad), (e: any) => e.code === 'bad_request' && /at most 8760/.test(e.message), String(bad));
  }
  assert.ok(Number.isSafeInteger(tokenExpiry(Date.now(), 0.0001)), 'always an integer time');
});
