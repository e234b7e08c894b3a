import { Type, type Static } from '@sinclair/typebox';
import { DateTime, IANAZone } from 'luxon';

export const CheckSchedule = Type.Object(
  {
    zone: Type.String({ minLength: 1, description: 'IANA time zone the times are wall-clock times in, e.g. Europe/Paris' }),
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays, 1 = Monday',
    }),
    times: Type.Array(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }), {
      minItems: 1,
      maxItems: 24,
      uniqueItems: true,
      description: 'local 24h HH:MM times',
    }),
    windowMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'how long the other side has to acknowledge' }),
  },
  { additionalProperties: false },
);
export type CheckSchedule = Static<typeof CheckSchedule>;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MINUTES = 7 * 1440;

// A station that was off for a year must not come back and fire a year of checks:
// missed checks are history by then, not something anyone can still acknowledge.
// 400 days keeps a full year (any annual review of the line) and caps the work
// at 400 × 24 slots however far back the caller's `from` is.
export const CATCH_UP_LIMIT_MS = 400 * DAY_MS;

// Longer than a week plus any offset change, so a week's slots always fit.
const NEXT_SLOT_HORIZON_MS = 8 * DAY_MS;

function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Why the schedule cannot be used, or null. Assumes it already passed the schema. */
export function checkSchedule(s: CheckSchedule): string | null {
  if (!IANAZone.isValidZone(s.zone)) return `unknown time zone ${s.zone}`;
  if (new Set(s.days).size !== s.days.length) return 'a day is listed twice';
  if (new Set(s.times).size !== s.times.length) return 'a time is listed twice';
  // Gaps are measured in wall-clock minutes across the whole week, including the
  // wrap from the last slot of the week to the first; a DST day can shorten one
  // gap by an hour, which we accept rather than reject every tight schedule.
  const weekly = s.days
    .flatMap((day) => s.times.map((time) => (day - 1) * 1440 + minutesOfDay(time)))
    .sort((a, b) => a - b);
  let smallestGap = WEEK_MINUTES;
  for (let i = 1; i < weekly.length; i++) smallestGap = Math.min(smallestGap, weekly[i] - weekly[i - 1]);
  if (weekly.length > 1) smallestGap = Math.min(smallestGap, weekly[0] + WEEK_MINUTES - weekly[weekly.length - 1]);
  if (s.windowMinutes > smallestGap) {
    return `a ${s.windowMinutes}-minute window overlaps the next check, only ${smallestGap} minutes later`;
  }
  return null;
}

/**
 * The instant a local wall-clock time happens, resolved as RFC 5545 (and Temporal's
 * 'compatible') does: a time skipped by spring-forward is read with the offset
 * from before the gap, so 02:30 becomes 03:30 summer time; a time that happens twice
 * on fall-back is its first occurrence. Luxon's own fromObject picks between the two
 * occurrences using the current clock, so we resolve from zone offsets instead.
 */
function instantOf(zone: IANAZone, wallClockMs: number): number {
  // Offsets on either side of any one transition (offsets never exceed 14 hours).
  const offsetBefore = zone.offset(wallClockMs - DAY_MS);
  const offsetAfter = zone.offset(wallClockMs + DAY_MS);
  const candidates = [offsetBefore, offsetAfter]
    .filter((offset) => zone.offset(wallClockMs - offset * MINUTE_MS) === offset)
    .map((offset) => wallClockMs - offset * MINUTE_MS);
  if (candidates.length === 0) return wallClockMs - offsetBefore * MINUTE_MS;
  return Math.min(...candidates);
}

/** Every slot instant (ms, UTC) with from < slot ≤ to, ascending; at most the last 400 days of them. */
export function slotsBetween(s: CheckSchedule, from: number, to: number): number[] {
  const after = Math.max(from, to - CATCH_UP_LIMIT_MS);
  if (to <= after) return [];
  const zone = IANAZone.create(s.zone);
  const localDay = (instant: number) => Math.floor((instant + zone.offset(instant) * MINUTE_MS) / DAY_MS);
  const minutes = s.times.map(minutesOfDay);
  const days = new Set(s.days);
  const found = new Set<number>();
  // One local day of slack each side: a shifted slot can cross local midnight.
  for (let day = localDay(after) - 1; day <= localDay(to) + 1; day++) {
    // Day 0 (1970-01-01) was a Thursday, ISO weekday 4.
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    if (!days.has(weekday)) continue;
    for (const minute of minutes) {
      const slot = instantOf(zone, day * DAY_MS + minute * MINUTE_MS);
      // A set, because a skipped time shifted forward can land on another listed time.
      if (slot > after && slot <= to) found.add(slot);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The first slot strictly after `after`. */
export function nextSlot(s: CheckSchedule, after: number): number {
  const [first] = slotsBetween(s, after, after + NEXT_SLOT_HORIZON_MS);
  if (first === undefined) throw new Error(`check schedule has no slots (zone ${s.zone}): run checkSchedule first`);
  return first;
}

/** The slot as local time with its offset, to the minute: what people on the line read as scheduled. */
export function slotLabel(s: CheckSchedule, slot: number): string {
  return DateTime.fromMillis(slot, { zone: s.zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
}
