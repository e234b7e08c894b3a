import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, defaultRules, delay, Throttle, type ThrottleRules } from './throttle.ts';

// The sign-in throttle against an injected clock: no test here waits.

function setup(rules: Partial<ThrottleRules> = {}) {
  let now = 1_000_000;
  const throttle = new Throttle(() => ({ ...defaultRules, ...rules }), () => now);
  return { throttle, advance: (ms: number) => void (now += ms), now: () => now };
}

test('an account fails freely a few times, then each attempt waits twice as long as the last', () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < defaultRules.accountFree; i++) {
    assert.deepEqual(throttle.check('alice', '10.0.0.1'), { ok: true });
    throttle.failed('alice', '10.0.0.1');
  }
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    const v = throttle.check('alice', '10.0.0.1');
    assert.equal(v.ok, false);
    if (v.ok || v.reason !== 'account') throw new Error(`want an account wait, got ${JSON.stringify(v)}`);
    waits.push(v.retryAfterMs);
    advance(v.retryAfterMs - 1);
    assert.equal(throttle.check('alice', '10.0.0.1').ok, false, 'one millisecond early is still early');
    advance(1);
    assert.deepEqual(throttle.check('alice', '10.0.0.1'), { ok: true });
    throttle.failed('alice', '10.0.0.1');
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000]);
  // Another account from another address is not held up.
  assert.deepEqual(throttle.check('bob', '10.0.0.2'), { ok: true });
});

test('the waits stop growing at the cap', () => {
  assert.equal(delay(2, 3, defaultRules), 0);
  assert.equal(delay(3, 3, defaultRules), 1000);
  assert.equal(delay(9, 3, defaultRules), 60_000);
  assert.equal(delay(1000, 3, defaultRules), 60_000);
});

test('enough failures in a row lock the account until the lock runs out; an unlock ends it at once', () => {
  const { throttle, advance } = setup({ lockFailures: 4, lockMs: 60_000, baseDelayMs: 10 });
  let lock: number | null = null;
  for (let i = 0; i < 4; i++) {
    const v = throttle.check('alice', '10.0.0.1');
    if (!v.ok && v.reason === 'account') advance(v.retryAfterMs);
    lock = throttle.failed('alice', '10.0.0.1').lockedUntil;
    if (i < 3) assert.equal(lock, null);
  }
  assert.ok(lock !== null);
  const v = throttle.check('alice', '10.0.0.9');
  assert.deepEqual(v, { ok: false, reason: 'locked', until: lock }, 'a lock holds from any address');
  assert.equal(throttle.lockedUntil('alice'), lock);
  advance(59_999);
  assert.equal(throttle.check('alice', '10.0.0.9').ok, false);
  advance(1);
  assert.deepEqual(throttle.check('alice', '10.0.0.9'), { ok: true }, 'the lock ran out');
  assert.equal(throttle.lockedUntil('alice'), null);

  for (let i = 0; i < 4; i++) {
    const w = throttle.check('carol', '10.0.0.3');
    if (!w.ok && w.reason === 'account') advance(w.retryAfterMs);
    throttle.failed('carol', '10.0.0.3');
  }
  assert.equal(throttle.check('carol', '10.0.0.3').ok, false);
  throttle.unlock('carol');
  assert.deepEqual(throttle.check('carol', '10.0.0.3'), { ok: true });
});

test('a success clears the account but not the address', () => {
  const { throttle } = setup({ addressFree: 2 });
  throttle.failed('alice', '10.0.0.1');
  throttle.failed('alice', '10.0.0.1');
  throttle.succeeded('alice', '10.0.0.1');
  const v = throttle.check('alice', '10.0.0.1');
  assert.equal(!v.ok && v.reason, 'address');
  assert.deepEqual(throttle.check('alice', '10.0.0.2'), { ok: true });
});

test('one address guessing at many accounts is slowed across all of them', () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < defaultRules.addressFree; i++) {
    assert.deepEqual(throttle.check(`name-${i}`, '10.0.0.1'), { ok: true });
    throttle.failed(`name-${i}`, '10.0.0.1');
  }
  const v = throttle.check('someone-new', '10.0.0.1');
  assert.deepEqual(v, { ok: false, reason: 'address', retryAfterMs: 1000 });
  assert.deepEqual(throttle.check('someone-new', '10.0.0.2'), { ok: true }, 'other addresses are not slowed');
  advance(1000);
  assert.deepEqual(throttle.check('someone-new', '10.0.0.1'), { ok: true });
});

test('failures are forgotten after a quiet hour', () => {
  const { throttle, advance } = setup();
  for (let i = 0; i < 5; i++) throttle.failed('alice', '10.0.0.1');
  assert.equal(throttle.check('alice', '10.0.0.1').ok, false);
  advance(defaultRules.forgetMs);
  assert.deepEqual(throttle.check('alice', '10.0.0.1'), { ok: true });
  throttle.failed('alice', '10.0.0.1');
  assert.deepEqual(throttle.check('alice', '10.0.0.1'), { ok: true }, 'counting starts again from one');
});

test('IPv6 addresses are throttled by their /64, IPv4 (also mapped) by the address', () => {
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  const { throttle } = setup({ addressFree: 1 });
  throttle.failed('a', '2001:db8:1:2::5');
  assert.equal(throttle.check('b', '2001:db8:1:2::99').ok, false);
  assert.equal(throttle.check('b', '2001:db8:1:3::5').ok, true);
});

test('attempts sent side by side cannot all slip through before the first is judged', () => {
  const { throttle } = setup();
  for (let i = 0; i < defaultRules.accountFree; i++) assert.deepEqual(throttle.check('alice', `10.0.0.${i}`), { ok: true }, `free attempt ${i}, under way`);
  const fourth = throttle.check('alice', '10.0.0.9');
  assert.equal(!fourth.ok && fourth.reason, 'account', 'a fourth while three are being checked waits');
  for (let i = 0; i < defaultRules.accountFree; i++) throttle.failed('alice', `10.0.0.${i}`);
  assert.deepEqual(throttle.check('alice', '10.0.0.9'), { ok: false, reason: 'account', retryAfterMs: 1000 });

  // An attempt judged neither way (say the store failed) stops holding others up.
  const { throttle: other } = setup({ accountFree: 1 });
  assert.deepEqual(other.check('bob', '10.0.0.1'), { ok: true });
  assert.equal(other.check('bob', '10.0.0.1').ok, false);
  other.settled('bob', '10.0.0.1');
  assert.deepEqual(other.check('bob', '10.0.0.1'), { ok: true });
  other.succeeded('bob', '10.0.0.1');
  assert.deepEqual(other.check('bob', '10.0.0.1'), { ok: true });
});
