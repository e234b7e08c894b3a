import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { Value } from '@sinclair/typebox/value';
import { CATCH_UP_LIMIT_MS, CheckSchedule, checkSchedule, nextSlot, slotLabel, slotsBetween } from './schedule.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const parisOffice: CheckSchedule = { zone: 'Europe/Paris', days: WEEKDAYS, times: ['09:00', '17:00'], windowMinutes: 30 };

test('weekdays 09:00 and 17:00 Paris over a November week: ten slots in CET', () => {
  // Monday 23 to Sunday 29 November 2026; Paris is UTC+1.
  const slots = slotsBetween(parisOffice, Date.UTC(2026, 10, 23), Date.UTC(2026, 10, 30));
  const expected = [23, 24, 25, 26, 27].flatMap((day) => [Date.UTC(2026, 10, day, 8), Date.UTC(2026, 10, day, 16)]);
  assert.deepEqual(slots, expected);
  assert.equal(slotLabel(parisOffice, slots[0]), '2026-11-23T09:00+01:00');
  assert.equal(slotLabel(parisOffice, slots[9]), '2026-11-27T17:00+01:00');
});

test('spring forward in Paris: 02:30 that does not exist fires at 03:30 summer time, 09:00 moves to 07:00Z', () => {
  const s: CheckSchedule = { zone: 'Europe/Paris', days: EVERY_DAY, times: ['02:30', '09:00'], windowMinutes: 60 };
  const slots = slotsBetween(s, Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 31));
  assert.deepEqual(slots, [
    Date.UTC(2026, 2, 28, 1, 30), // 02:30 CET
    Date.UTC(2026, 2, 28, 8), // 09:00 CET
    Date.UTC(2026, 2, 29, 1, 30), // 02:30 is skipped: read with the winter offset, i.e. 03:30 CEST
    Date.UTC(2026, 2, 29, 7), // 09:00 CEST
    Date.UTC(2026, 2, 30, 0, 30), // 02:30 CEST
    Date.UTC(2026, 2, 30, 7),
  ]);
  assert.equal(slotLabel(s, slots[2]), '2026-03-29T03:30+02:00');
  assert.equal(slotLabel(s, slots[3]), '2026-03-29T09:00+02:00');
});

test('spring forward: a skipped time landing on another listed time fires once', () => {
  const s: CheckSchedule = { zone: 'Europe/Paris', days: [7], times: ['02:30', '03:30'], windowMinutes: 30 };
  assert.deepEqual(slotsBetween(s, Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 30)), [Date.UTC(2026, 2, 29, 1, 30)]);
});

test('fall back in Paris: 02:30 happens twice and fires once, at the first', () => {
  const s: CheckSchedule = { zone: 'Europe/Paris', days: EVERY_DAY, times: ['02:30'], windowMinutes: 60 };
  const slots = slotsBetween(s, Date.UTC(2026, 9, 24), Date.UTC(2026, 9, 27));
  assert.deepEqual(slots, [
    Date.UTC(2026, 9, 24, 0, 30), // CEST
    Date.UTC(2026, 9, 25, 0, 30), // first 02:30, still CEST
    Date.UTC(2026, 9, 26, 1, 30), // CET
  ]);
  assert.equal(slotLabel(s, slots[1]), '2026-10-25T02:30+02:00');
  // The second 02:30 (01:30Z) is not a slot.
  assert.deepEqual(slotsBetween(s, Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 12)), []);
});

test('which 02:30 fires on fall-back does not depend on the clock', () => {
  const s: CheckSchedule = { zone: 'Europe/Paris', days: EVERY_DAY, times: ['02:30'], windowMinutes: 60 };
  const realNow = Settings.now;
  try {
    for (const now of [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15)]) {
      Settings.now = () => now;
      assert.equal(nextSlot(s, Date.UTC(2026, 9, 24, 12)), Date.UTC(2026, 9, 25, 0, 30));
    }
  } finally {
    Settings.now = realNow;
  }
});

test('New York weekdays 09:00 across the March change: 14:00Z in EST, 13:00Z in EDT', () => {
  const s: CheckSchedule = { zone: 'America/New_York', days: WEEKDAYS, times: ['09:00'], windowMinutes: 120 };
  // DST starts Sunday 8 March 2026.
  const slots = slotsBetween(s, Date.UTC(2026, 2, 5, 14), Date.UTC(2026, 2, 10, 13));
  assert.deepEqual(slots, [Date.UTC(2026, 2, 6, 14), Date.UTC(2026, 2, 9, 13), Date.UTC(2026, 2, 10, 13)]);
  assert.equal(slotLabel(s, slots[0]), '2026-03-06T09:00-05:00');
  assert.equal(slotLabel(s, slots[1]), '2026-03-09T09:00-04:00');
});

test('nextSlot is strictly after: at a slot instant it returns the following one', () => {
  const monday9 = Date.UTC(2026, 10, 23, 8);
  assert.equal(nextSlot(parisOffice, monday9 - 1), monday9);
  assert.equal(nextSlot(parisOffice, monday9), Date.UTC(2026, 10, 23, 16));
  // Friday 17:00 to Monday 09:00 skips the weekend.
  assert.equal(nextSlot(parisOffice, Date.UTC(2026, 10, 27, 16)), Date.UTC(2026, 10, 30, 8));
});

test('slotsBetween is empty when to is not after from, and includes to itself', () => {
  const monday9 = Date.UTC(2026, 10, 23, 8);
  assert.deepEqual(slotsBetween(parisOffice, monday9, monday9), []);
  assert.deepEqual(slotsBetween(parisOffice, monday9 + HOUR_MS, monday9), []);
  assert.deepEqual(slotsBetween(parisOffice, monday9 - 1, monday9), [monday9]);
});

test('after a long outage only the last 400 days of slots come back', () => {
  const s: CheckSchedule = { zone: 'UTC', days: EVERY_DAY, times: ['09:00'], windowMinutes: 60 };
  const to = Date.UTC(2026, 10, 23, 12);
  const slots = slotsBetween(s, to - 3 * 365 * DAY_MS, to);
  assert.equal(CATCH_UP_LIMIT_MS, 400 * DAY_MS);
  assert.equal(slots.length, 400);
  assert.equal(slots[399], Date.UTC(2026, 10, 23, 9));
  assert.ok(slots[0] > to - CATCH_UP_LIMIT_MS);
  // A `from` inside the limit is honoured as is.
  assert.equal(slotsBetween(s, to - 10 * DAY_MS, to).length, 10);
});

test('checkSchedule accepts a sound schedule and explains a broken one', () => {
  assert.equal(checkSchedule(parisOffice), null);
  assert.match(checkSchedule({ ...parisOffice, zone: 'Europe/Atlantis' }) ?? '', /unknown time zone/);
  assert.match(checkSchedule({ ...parisOffice, times: ['09:00', '09:00'] }) ?? '', /time is listed twice/);
  assert.match(checkSchedule({ ...parisOffice, days: [1, 1] }) ?? '', /day is listed twice/);
  // 09:00 to 17:00 is 480 minutes: a 481-minute window would still be open at the next check.
  assert.equal(checkSchedule({ ...parisOffice, windowMinutes: 480 }), null);
  assert.match(checkSchedule({ ...parisOffice, windowMinutes: 481 }) ?? '', /overlaps/);
  // The gap that counts can span midnight between two listed days.
  assert.match(checkSchedule({ zone: 'UTC', days: [1, 2], times: ['00:00', '23:30'], windowMinutes: 60 }) ?? '', /only 30 minutes/);
  // One slot a week leaves room for any window the schema allows.
  assert.equal(checkSchedule({ zone: 'UTC', days: [3], times: ['12:00'], windowMinutes: 1440 }), null);
});

test('the schema rejects malformed schedules', () => {
  assert.ok(Value.Check(CheckSchedule, parisOffice));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, times: ['9:00'] }));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, times: ['24:00'] }));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, days: [0] }));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, days: [] }));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, windowMinutes: 0 }));
  assert.ok(!Value.Check(CheckSchedule, { ...parisOffice, extra: true }));
});

// Zones without DST, so every slot is exactly a listed weekday and time.
const steadySchedule = fc.record({
  zone: fc.constantFrom('UTC', 'Asia/Tokyo'),
  days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  times: fc.uniqueArray(
    fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    { minLength: 1, maxLength: 24 },
  ),
  windowMinutes: fc.constant(1),
});

test('property: slots ascend, lie in (from, to], and fall on a listed day and time', () => {
  fc.assert(
    fc.property(
      steadySchedule,
      fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
      fc.integer({ min: 0, max: 40 * DAY_MS }),
      (s, from, span) => {
        const to = from + span;
        const slots = slotsBetween(s, from, to);
        for (let i = 0; i < slots.length; i++) {
          if (i > 0) assert.ok(slots[i] > slots[i - 1]);
          assert.ok(slots[i] > from && slots[i] <= to);
          const local = DateTime.fromMillis(slots[i], { zone: s.zone });
          assert.ok(s.days.includes(local.weekday), `${local.toISO()} is not on ${s.days}`);
          assert.ok(s.times.includes(local.toFormat('HH:mm')), `${local.toISO()} is not at ${s.times}`);
        }
        // Each listed weekday in a span of whole weeks brings every listed time once.
        const weeks = Math.floor(span / (7 * DAY_MS));
        assert.ok(slots.length >= weeks * s.days.length * s.times.length);
        assert.equal(nextSlot(s, from), slots[0] ?? nextSlot(s, to));
      },
    ),
  );
});
