import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Entry, JsonObject } from '../entry.ts';
import type { Line } from '../line.ts';
import type { EntryRef } from '../kinds/ref.ts';
import { foldEntry } from './fold.ts';
import { createLineState, type LineState } from './state.ts';
import { civilFromDays, contactHistory, csvField, historyCsv, isoUtc, median } from './history.ts';

const LINE_ID = 'washington-moscow';
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);
const MARCH = { from: utc(2026, 3, 1), to: utc(2026, 4, 1) };
const MIN = 60_000;
const HOUR = 3_600_000;

function lineOf(parties: string[]): Line {
  return { id: LINE_ID, title: 'Washington–Moscow', parties: parties.map((name) => ({ name, key: `${name}+00000000+AAAA` })), discreet: false, createdAt: utc(2026, 1, 1) };
}

/**
 * Hand-made entries (unsigned) on a line whose stations see everything at
 * once: each entry's `seen` is every other log's size when it was written.
 */
class Scenario {
  readonly entries: Entry[] = [];
  private readonly sizes: Record<string, number> = {};
  constructor(readonly line: Line) {}

  write(party: string, time: number, kind: string, body: JsonObject): EntryRef {
    const seq = this.sizes[party] ?? 0;
    const seen = Object.fromEntries(Object.entries(this.sizes).filter(([p]) => p !== party));
    this.sizes[party] = seq + 1;
    this.entries.push({ v: 1, line: this.line.id, party, seq, time, kind, body, seen, sig: '' });
    return { party, seq };
  }

  call(party: string, time: number, from: string, toParty: string, to?: string): EntryRef {
    return this.write(party, time, 'call.request', { from, toParty, ...(to ? { to } : {}), ringUntil: time + 2 * MIN });
  }
  message(party: string, time: number, precedence: string, text = 'text'): EntryRef {
    return this.write(party, time, 'message', { text, from: 'Duty officer', precedence });
  }
  ack(party: string, time: number, ref: EntryRef, by = 'Duty officer'): EntryRef {
    return this.write(party, time, 'ack', { ref, by });
  }
  check(party: string, at: number): EntryRef {
    return this.write(party, at, 'check', { slot: `slot-${at}`, at, ackBy: at + 10 * MIN });
  }
  missed(party: string, check: EntryRef, time: number, link: Record<string, string>): EntryRef {
    return this.write(party, time, 'check.missed', { check, link });
  }

  state(order: 'forward' | 'reverse' = 'forward'): LineState {
    const s = createLineState(this.line, this.line.parties[0].name);
    const list = order === 'forward' ? this.entries : [...this.entries].reverse();
    for (const e of list) foldEntry(s, e);
    assert.equal(s.malformed, 0);
    assert.equal(s.waiting.size, 0);
    return s;
  }
}

const W = 'Washington';
const M = 'Moscow';

/** March 2026 on the line, with a call either side of the month. */
function march(): Scenario {
  const s = new Scenario(lineOf([W, M]));

  // Outside the period: spoke on the last millisecond of February; declined on the first of April.
  const feb = s.call(W, utc(2026, 2, 28, 23, 59, 59, 999), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 1, 0, 0, 30), 'call.accept', { call: feb, by: 'Belousov' });
  s.write(W, utc(2026, 3, 1, 0, 30, 30), 'call.end', { call: feb, by: 'Hegseth' });
  const apr = s.call(W, utc(2026, 4, 1), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 4, 1, 0, 1), 'call.decline', { call: apr, by: 'Belousov' });

  // Three declines.
  const c1 = s.call(W, utc(2026, 3, 2, 10), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 2, 10, 1), 'call.decline', { call: c1, by: 'Belousov', reason: 'Not now' });
  const c2 = s.call(W, utc(2026, 3, 5, 14), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 5, 14, 1), 'call.decline', { call: c2, by: 'Belousov' });
  const c3 = s.call(W, utc(2026, 3, 9, 8), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 9, 8, 0, 40), 'call.decline', { call: c3, by: 'Duty officer', reason: 'The minister is unavailable' });
  // Unanswered; a decline written after Moscow saw that is void.
  const c4 = s.call(W, utc(2026, 3, 12, 9), 'Hegseth', M, 'Belousov');
  s.write(W, utc(2026, 3, 12, 9, 2), 'call.unanswered', { call: c4 });
  s.write(M, utc(2026, 3, 12, 9, 3), 'call.decline', { call: c4, by: 'Belousov', reason: 'too late' });
  // Accepted, an hour's talk.
  const c5 = s.call(W, utc(2026, 3, 20, 16), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 20, 16, 1), 'call.accept', { call: c5, by: 'Belousov' });
  s.write(W, utc(2026, 3, 20, 17, 1), 'call.end', { call: c5, by: 'Hegseth' });
  // Moscow calls Washington without naming anyone; Caine picks up.
  const c6 = s.call(M, utc(2026, 3, 22, 11), 'Belousov', W);
  s.write(W, utc(2026, 3, 22, 11, 0, 30), 'call.accept', { call: c6, by: 'Caine' });
  s.write(M, utc(2026, 3, 22, 11, 10, 30), 'call.end', { call: c6, by: 'Belousov' });
  // Washington withdraws an unnamed call.
  const c7 = s.call(W, utc(2026, 3, 25, 7), 'Hegseth', M);
  s.write(W, utc(2026, 3, 25, 7, 0, 20), 'call.cancel', { call: c7, by: 'Hegseth' });
  // Still ringing at the last millisecond of March.
  s.call(W, utc(2026, 3, 31, 23, 59, 59, 999), 'Hegseth', M, 'Belousov');

  // Messages: FLASH acknowledged after 60 s, 600 s and 120 s (plus one unacknowledged);
  // IMMEDIATE after 1000 ms and 2001 ms; PRIORITY once; ROUTINE never.
  const f1 = s.message(W, utc(2026, 3, 3, 12), 'FLASH');
  s.ack(M, utc(2026, 3, 3, 12, 1), f1);
  const f2 = s.message(M, utc(2026, 3, 4, 12), 'FLASH');
  s.ack(W, utc(2026, 3, 4, 12, 10), f2);
  s.ack(W, utc(2026, 3, 4, 12, 20), f2, 'Caine'); // a second acknowledgement changes nothing
  const f3 = s.message(W, utc(2026, 3, 6, 12), 'FLASH');
  s.ack(M, utc(2026, 3, 6, 12, 2), f3);
  s.message(W, utc(2026, 3, 7, 12), 'FLASH');
  const i1 = s.message(W, utc(2026, 3, 8, 12), 'IMMEDIATE');
  s.ack(M, utc(2026, 3, 8, 12, 0, 1), i1);
  const i2 = s.message(M, utc(2026, 3, 9, 12), 'IMMEDIATE');
  s.ack(W, utc(2026, 3, 9, 12, 0, 2, 1), i2);
  const p1 = s.message(W, utc(2026, 3, 10, 12), 'PRIORITY');
  s.ack(M, utc(2026, 3, 10, 12, 0, 5), p1);
  s.message(W, utc(2026, 3, 11, 12), 'ROUTINE');
  // February, outside: would pull the FLASH median down.
  const f0 = s.message(W, utc(2026, 2, 20, 12), 'FLASH');
  s.ack(M, utc(2026, 2, 20, 12, 0, 1), f0);

  // Check calls from Washington, ten minutes to answer.
  const k1 = s.check(W, utc(2026, 3, 3, 9));
  s.ack(M, utc(2026, 3, 3, 9, 2), k1);
  const k2 = s.check(W, utc(2026, 3, 4, 9));
  s.ack(M, utc(2026, 3, 4, 9, 15), k2); // late
  const k3 = s.check(W, utc(2026, 3, 5, 9));
  s.missed(W, k3, utc(2026, 3, 5, 9, 10), { Washington: 'up', Moscow: 'up' });
  const k4 = s.check(W, utc(2026, 3, 6, 9));
  s.missed(W, k4, utc(2026, 3, 6, 9, 10), { Washington: 'up', Moscow: 'down' });
  const k5 = s.check(W, utc(2026, 3, 7, 9));
  s.missed(W, k5, utc(2026, 3, 7, 9, 10), { Moscow: 'degraded' });
  const k6 = s.check(W, utc(2026, 3, 8, 9));
  s.missed(W, k6, utc(2026, 3, 8, 9, 10), { Moscow: 'unknown' });
  s.check(W, utc(2026, 3, 9, 9)); // window closed, no record written
  s.check(W, utc(2026, 3, 31, 23, 55)); // still open at NOW
  const k0 = s.check(W, utc(2026, 2, 10, 9)); // February, outside
  s.missed(W, k0, utc(2026, 2, 10, 9, 10), { Moscow: 'down' });
  return s;
}

const NOW = utc(2026, 3, 31, 23, 58);

test('March: three declines, one unanswered, an hour-long call; pairs sorted by attempts', () => {
  const h = contactHistory(march().state(), MARCH, NOW);
  assert.equal(h.line, LINE_ID);
  assert.equal(h.from, MARCH.from);
  assert.equal(h.to, MARCH.to);
  assert.deepEqual(h.calls, { attempts: 8, accepted: 2, declined: 3, unanswered: 1, cancelled: 1, lastSpoke: utc(2026, 3, 22, 11, 0, 30) });
  assert.deepEqual(h.pairs, [
    {
      caller: { party: W, name: 'Hegseth' }, callee: { party: M, name: 'Belousov' },
      attempts: 6, accepted: 1, declined: 3, unanswered: 1, cancelled: 0, lastSpoke: utc(2026, 3, 20, 16, 1), talkMs: HOUR,
    },
    {
      caller: { party: M, name: 'Belousov' }, callee: { party: W, name: 'Caine' },
      attempts: 1, accepted: 1, declined: 0, unanswered: 0, cancelled: 0, lastSpoke: utc(2026, 3, 22, 11, 0, 30), talkMs: 10 * MIN,
    },
    {
      caller: { party: W, name: 'Hegseth' }, callee: { party: M, name: null },
      attempts: 1, accepted: 0, declined: 0, unanswered: 0, cancelled: 1, lastSpoke: null, talkMs: 0,
    },
  ]);
  assert.deepEqual(h.timeline.map((t) => [t.call, t.status, t.durationMs, t.reason]), [
    ['Washington:3', 'declined', null, 'Not now'],
    ['Washington:4', 'declined', null, undefined],
    ['Washington:5', 'declined', null, 'The minister is unavailable'],
    ['Washington:6', 'unanswered', null, undefined],
    ['Washington:8', 'ended', HOUR, undefined],
    ['Moscow:7', 'ended', 10 * MIN, undefined],
    ['Washington:11', 'cancelled', null, undefined],
    ['Washington:13', 'ringing', null, undefined],
  ]);
  assert.deepEqual(h.timeline[0], {
    time: utc(2026, 3, 2, 10), kind: 'call', call: 'Washington:3', status: 'declined',
    from: 'Hegseth', to: 'Belousov', party: W, toParty: M, durationMs: null, reason: 'Not now', exercise: false,
  });
  assert.ok(!('reason' in h.timeline[1]));
  assert.equal(h.timeline[5].to, 'Caine');
  assert.equal(h.timeline[6].to, null);
});

test('the period is from <= time < to; without one, everything counts', () => {
  const state = march().state();
  const all = contactHistory(state, {}, NOW);
  assert.equal(all.from, null);
  assert.equal(all.to, null);
  assert.deepEqual(all.calls, { attempts: 10, accepted: 3, declined: 4, unanswered: 1, cancelled: 1, lastSpoke: utc(2026, 3, 22, 11, 0, 30) });
  assert.equal(all.timeline[0].time, utc(2026, 2, 28, 23, 59, 59, 999));
  assert.equal(all.timeline.at(-1)!.time, utc(2026, 4, 1));
  assert.equal(all.pairs[0].attempts, 8);
  assert.equal(all.pairs[0].talkMs, HOUR + 30 * MIN);
  assert.equal(all.ackMedianMs.FLASH.count, 4);
  assert.equal(all.checks.sent, 9);

  const april = contactHistory(state, { from: utc(2026, 4, 1) }, NOW);
  assert.deepEqual(april.timeline.map((t) => t.call), ['Washington:2']);
  const february = contactHistory(state, { to: utc(2026, 3, 1) }, NOW);
  assert.deepEqual(february.timeline.map((t) => t.status), ['ended']);
  // The February call was accepted in March: it counts in February, when it was placed.
  assert.equal(february.calls.lastSpoke, utc(2026, 3, 1, 0, 0, 30));
  assert.deepEqual(contactHistory(state, { from: MARCH.to, to: MARCH.from }, NOW).calls.attempts, 0);
});

test('the history does not depend on the order entries arrived in', () => {
  const s = march();
  assert.deepEqual(contactHistory(s.state('reverse'), MARCH, NOW), contactHistory(s.state('forward'), MARCH, NOW));
});

test('acknowledgement medians by precedence: odd count, even count (rounded), one, none', () => {
  const h = contactHistory(march().state(), MARCH, NOW);
  assert.deepEqual(h.ackMedianMs, {
    FLASH: { count: 3, medianMs: 2 * MIN },
    IMMEDIATE: { count: 2, medianMs: 1501 }, // (1000 + 2001) / 2 = 1500.5
    PRIORITY: { count: 1, medianMs: 5000 },
    ROUTINE: { count: 0, medianMs: null },
  });
});

test('median', () => {
  assert.equal(median([]), null);
  assert.equal(median([7]), 7);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 3); // 2.5 rounds up
  assert.equal(median([10, 1]), 6); // 5.5
  assert.equal(median([100, 2, 1, 50]), 26);
});

test('check calls: answered, late, missed with the link up, down or unknown', () => {
  const state = march().state();
  assert.deepEqual(contactHistory(state, MARCH, NOW).checks, { sent: 8, answered: 1, late: 1, missed: 5, missedWhileLinkUp: 2, missedWhileLinkDown: 1 });
  // Once the last window closes it is missed too, with no record of the link.
  assert.deepEqual(contactHistory(state, MARCH, utc(2026, 4, 2)).checks, { sent: 8, answered: 1, late: 1, missed: 6, missedWhileLinkUp: 2, missedWhileLinkDown: 1 });
});

test('missed checks: only the silent parties\' links count', () => {
  const B = 'Beijing';
  const s = new Scenario(lineOf([W, M, B]));
  const at = (d: number) => utc(2026, 3, d, 9);
  const check = (d: number, link: Record<string, string>, ackedBy?: string) => {
    const k = s.check(W, at(d));
    if (ackedBy) s.ack(ackedBy, at(d) + MIN, k);
    s.missed(W, k, at(d) + 10 * MIN, link);
  };
  check(1, { Moscow: 'up', Beijing: 'degraded' }); // all up: nobody answered
  check(2, { Moscow: 'down', Beijing: 'unknown' }); // one down: the line failed
  check(3, { Moscow: 'up', Beijing: 'unknown' }); // neither
  check(4, { Moscow: 'up' }); // Beijing not recorded: neither
  check(5, { Moscow: 'up', Beijing: 'down' }, B); // Beijing answered; Moscow was up
  check(6, { Moscow: 'down', Beijing: 'up' }, B); // Moscow silent and down
  check(7, { Moscow: 'up', Beijing: 'up', Washington: 'down' }); // the sender's own link is not a silent party's
  const h = contactHistory(s.state(), MARCH, NOW);
  assert.deepEqual(h.checks, { sent: 7, answered: 0, late: 0, missed: 7, missedWhileLinkUp: 3, missedWhileLinkDown: 2 });
});

test('CSV: RFC 4180 quoting, CRLF, ISO times, formula injection defused', () => {
  const s = new Scenario(lineOf([W, M]));
  const a = s.call(W, utc(2026, 3, 2, 10), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 2, 10, 1), 'call.decline', { call: a, by: 'Belousov', reason: 'Not now, "after the strike"' });
  const b = s.call(W, utc(2026, 3, 5, 14), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 5, 14, 1), 'call.decline', { call: b, by: 'Belousov', reason: '=HYPERLINK("http://evil.example","click")' });
  const c = s.call(W, utc(2026, 3, 20, 16), 'Hegseth', M, 'Belousov');
  s.write(M, utc(2026, 3, 20, 16, 1), 'call.accept', { call: c, by: 'Belousov' });
  s.write(W, utc(2026, 3, 20, 17, 1, 0, 500), 'call.end', { call: c, by: 'Hegseth' });
  const d = s.call(M, utc(2026, 3, 21, 8, 30, 15, 7), 'Belousov', W);
  s.write(W, utc(2026, 3, 21, 8, 31), 'call.decline', { call: d, by: 'Caine', reason: '+1 call back\nlater' });
  const e = s.call(W, utc(2026, 3, 22, 9), '@Hegseth', M);
  s.write(M, utc(2026, 3, 22, 9, 1), 'call.decline', { call: e, by: 'Belousov', reason: '-2' });

  const csv = historyCsv(contactHistory(s.state(), MARCH, NOW));
  assert.equal(csv, [
    'time_utc,line,call,from_party,from,to_party,to,status,duration_s,reason,exercise\r\n',
    '2026-03-02T10:00:00.000Z,washington-moscow,Washington:0,Washington,Hegseth,Moscow,Belousov,declined,,"Not now, ""after the strike""",\r\n',
    '2026-03-05T14:00:00.000Z,washington-moscow,Washington:1,Washington,Hegseth,Moscow,Belousov,declined,,"\'=HYPERLINK(""http://evil.example"",""click"")",\r\n',
    '2026-03-20T16:00:00.000Z,washington-moscow,Washington:2,Washington,Hegseth,Moscow,Belousov,ended,3600.5,,\r\n',
    '2026-03-21T08:30:15.007Z,washington-moscow,Moscow:3,Moscow,Belousov,Washington,,declined,,"\'+1 call back\nlater",\r\n',
    '2026-03-22T09:00:00.000Z,washington-moscow,Washington:5,Washington,\'@Hegseth,Moscow,,declined,,\'-2,\r\n',
  ].join(''));
  assert.equal(historyCsv(contactHistory(s.state(), { from: MARCH.to }, NOW)), 'time_utc,line,call,from_party,from,to_party,to,status,duration_s,reason,exercise\r\n');
});

test('csvField', () => {
  assert.equal(csvField(''), '');
  assert.equal(csvField('plain text'), 'plain text');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('one\r\ntwo'), '"one\r\ntwo"');
  assert.equal(csvField('=1+2'), "'=1+2");
  assert.equal(csvField('+1'), "'+1");
  assert.equal(csvField('-1'), "'-1");
  assert.equal(csvField('@SUM(A1:A9)'), "'@SUM(A1:A9)");
  assert.equal(csvField('\t=1'), "'\t=1");
  assert.equal(csvField('\r=1'), `"'\r=1"`);
  assert.equal(csvField('=A1,"x"'), `"'=A1,""x"""`);
  assert.equal(csvField('a=b'), 'a=b');
  assert.equal(csvField("'quoted"), "'quoted");
});

test('isoUtc: fixed instants', () => {
  const cases: Array<[number, string]> = [
    [0, '1970-01-01T00:00:00.000Z'],
    [1, '1970-01-01T00:00:00.001Z'],
    [utc(2000, 2, 29, 23, 59, 59, 999), '2000-02-29T23:59:59.999Z'],
    [utc(2024, 2, 29, 12), '2024-02-29T12:00:00.000Z'],
    [utc(2100, 2, 28, 23, 59, 59, 999) + 1, '2100-03-01T00:00:00.000Z'], // 2100 is not a leap year
    [utc(2026, 12, 31, 23, 59, 59, 999), '2026-12-31T23:59:59.999Z'],
    [utc(2200, 1, 1), '2200-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [-0, '1970-01-01T00:00:00.000Z'],
    [253402300800000, '+010000-01-01T00:00:00.000Z'],
    [-62167219200000, '0000-01-01T00:00:00.000Z'],
    [-62167219200001, '-000001-12-31T23:59:59.999Z'],
    [8.64e15, '+275760-09-13T00:00:00.000Z'],
    [-8.64e15, '-271821-04-20T00:00:00.000Z'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(isoUtc(ms), text, String(ms));
    assert.equal(isoUtc(ms), new Date(ms).toISOString());
  }
  assert.throws(() => isoUtc(Number.NaN), RangeError);
  assert.throws(() => isoUtc(8.64e15 + 1), RangeError);
  assert.deepEqual(civilFromDays(0), { year: 1970, month: 1, day: 1 });
  assert.deepEqual(civilFromDays(-719468), { year: 0, month: 3, day: 1 });
});

test('isoUtc agrees with Date.prototype.toISOString over 1970..2200', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: utc(2200, 12, 31, 23, 59, 59, 999) }), (ms) => isoUtc(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
  // Day boundaries, where an off-by-one would show.
  fc.assert(fc.property(fc.integer({ min: 0, max: 84_000 }), fc.constantFrom(-1, 0, 1), (day, delta) => {
    const ms = day * 86_400_000 + delta;
    return isoUtc(ms) === new Date(ms).toISOString();
  }));
});

test('isoUtc agrees with toISOString over the whole range of Date', () => {
  fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoUtc(ms) === new Date(ms).toISOString()), { numRuns: 5_000 });
});

test('history.ts keeps the core pure: no clock, no Date object', () => {
  const source = readFileSync(new URL('./history.ts', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /\b(Date\.now|new Date\(|Math\.random|process\.|setTimeout|setInterval)\b/);
});

test('exercise traffic is on the timeline, marked, and counted apart from the real contact', () => {
  const s = new Scenario(lineOf([W, M]));
  const real = s.call(W, utc(2026, 3, 2, 10), 'Hegseth', M);
  s.write(M, utc(2026, 3, 2, 10, 1), 'call.accept', { call: real, by: 'Belousov' });
  const drill = s.write(W, utc(2026, 3, 3, 10), 'call.request', { from: 'Hegseth', toParty: M, ringUntil: utc(2026, 3, 3, 10, 2), exercise: true });
  s.write(M, utc(2026, 3, 3, 10, 1), 'call.decline', { call: drill, by: 'Belousov' });
  const flash = s.write(W, utc(2026, 3, 4, 10), 'message', { text: 'EXERCISE EXERCISE EXERCISE', from: 'duty', precedence: 'FLASH', exercise: true });
  s.write(M, utc(2026, 3, 4, 10, 30), 'ack', { ref: flash, by: 'Belousov' });

  const h = contactHistory(s.state(), MARCH, NOW);
  assert.deepEqual([h.calls.attempts, h.calls.accepted, h.calls.declined], [1, 1, 0], 'the drill is not in the counts');
  assert.deepEqual(h.pairs.map((p) => p.attempts), [1]);
  assert.equal(h.ackMedianMs.FLASH.count, 0, 'nor in the medians');
  assert.deepEqual(h.exercise, { messages: 1, calls: 1, notices: 0 });
  assert.deepEqual(h.timeline.map((c) => [c.status, c.exercise]), [['accepted', false], ['declined', true]]);
  assert.match(historyCsv(h), /,declined,,,yes\r\n$/);
});
