import { precedences, type Precedence } from '../kinds/precedence.ts';
import { callOutcome, type CallStatus } from './calls.ts';
import { checkStatus } from './checks.ts';
import { messageProgress } from './messages.ts';
import { compareStamps } from './order.ts';
import type { CallState, CheckState, LineState } from './state.ts';

/**
 * The contact history of a line: who tried to call whom, how often they were
 * declined or went unanswered, when they last spoke, how fast messages were
 * acknowledged and how the check calls went. Everything is derived from the
 * folded state, so every station holding the same entries reports the same
 * history; `now` only decides whether an open check has run out.
 */

/** Milliseconds since the epoch; an item is in the period when `from <= time < to` (its entry's author time). */
export interface HistoryQuery { from?: number; to?: number }

export interface PairHistory extends CallCounts {
  /** Who placed the calls. */
  caller: { party: string; name: string };
  /** The person asked for (the request's `to`), or who accepted if nobody was named, else null. */
  callee: { party: string; name: string | null };
  /** Total length of the pair's ended calls. */
  talkMs: number;
}

export interface CallCounts {
  attempts: number;
  /** Accepted calls, ended or still going. */
  accepted: number;
  declined: number;
  unanswered: number;
  cancelled: number;
  /** When the last accepted call of the period started (its accept time). */
  lastSpoke: number | null;
}

export interface AckLatency {
  /** Messages of the period acknowledged by another party: the sample the median is taken over. */
  count: number;
  medianMs: number | null;
}

export interface CheckCounts {
  sent: number;
  answered: number;
  late: number;
  missed: number;
  /** Missed with every silent party's link recorded up or degraded: nobody answered. */
  missedWhileLinkUp: number;
  /** Missed with some silent party's link recorded down: the line failed. */
  missedWhileLinkDown: number;
}

export interface TimelineCall {
  /** When the call was placed (the request's author time). */
  time: number;
  kind: 'call';
  /** The request's entry id, "Party:seq". */
  call: string;
  status: CallStatus;
  /** The caller's name. */
  from: string;
  /** The callee's name, as in PairHistory. */
  to: string | null;
  party: string;
  toParty: string;
  /** For ended calls: from accept to end. */
  durationMs: number | null;
  /** The reason given with the answer that counts, if any. */
  reason?: string;
  /** An exercise call: on the timeline, marked, and out of the counts above. */
  exercise: boolean;
}

/** Exercise traffic in the period, counted apart from the real contact. */
export interface ExerciseCounts {
  messages: number;
  calls: number;
  notices: number;
}

export interface ContactHistory {
  line: string;
  from: number | null;
  to: number | null;
  calls: CallCounts;
  /** Sorted by attempts (most first), then caller party, caller, callee party, callee (unnamed last). */
  pairs: PairHistory[];
  /** Time from a message to its first acknowledgement by another party, for messages sent in the period. */
  ackMedianMs: Record<Precedence, AckLatency>;
  checks: CheckCounts;
  /** Every call placed in the period, in order (time, then party, then position). */
  timeline: TimelineCall[];
  /** Exercise messages, calls and notices of the period: none of them is in the counts, pairs or medians above. */
  exercise: ExerciseCounts;
}

export function contactHistory(state: LineState, q: HistoryQuery, now: number): ContactHistory {
  const inPeriod = (time: number) => (q.from === undefined || time >= q.from) && (q.to === undefined || time < q.to);

  const calls: CallCounts = { attempts: 0, accepted: 0, declined: 0, unanswered: 0, cancelled: 0, lastSpoke: null };
  const pairs = new Map<string, PairHistory>();
  const timeline: TimelineCall[] = [];
  const periodCalls: CallState[] = [...state.calls.values()].filter((c) => inPeriod(c.time)).sort(compareStamps);
  for (const call of periodCalls) {
    const o = callOutcome(call);
    const spoke = o.status === 'accepted' || o.status === 'ended';
    const calleeName = call.to ?? (spoke ? o.answer?.by ?? null : null);
    const durationMs = o.status === 'ended' && o.startedAt !== undefined && o.endedAt !== undefined ? o.endedAt - o.startedAt : null;
    const timelineItem = (): TimelineCall => {
      const item: TimelineCall = {
        time: call.time, kind: 'call', call: call.id, status: o.status, from: call.from, to: calleeName,
        party: call.party, toParty: call.toParty, durationMs, exercise: call.exercise === true,
      };
      if (o.answer?.reason !== undefined) item.reason = o.answer.reason;
      return item;
    };
    if (call.exercise) {
      timeline.push(timelineItem());
      continue;
    }

    const key = JSON.stringify([call.party, call.from, call.toParty, calleeName]);
    let pair = pairs.get(key);
    if (!pair) {
      pair = {
        caller: { party: call.party, name: call.from }, callee: { party: call.toParty, name: calleeName },
        attempts: 0, accepted: 0, declined: 0, unanswered: 0, cancelled: 0, lastSpoke: null, talkMs: 0,
      };
      pairs.set(key, pair);
    }
    for (const counts of [calls, pair]) {
      counts.attempts++;
      if (spoke) {
        counts.accepted++;
        if (o.startedAt !== undefined && (counts.lastSpoke === null || o.startedAt > counts.lastSpoke)) counts.lastSpoke = o.startedAt;
      } else if (o.status === 'declined') counts.declined++;
      else if (o.status === 'unanswered') counts.unanswered++;
      else if (o.status === 'cancelled') counts.cancelled++;
    }
    if (durationMs !== null) pair.talkMs += durationMs;

    timeline.push(timelineItem());
  }
  const exercise: ExerciseCounts = {
    messages: [...state.messages.values()].filter((m) => m.exercise && inPeriod(m.time)).length,
    calls: periodCalls.filter((c) => c.exercise).length,
    notices: [...state.notices.values()].filter((n) => n.exercise && inPeriod(n.time)).length,
  };

  return {
    line: state.line.id,
    from: q.from ?? null,
    to: q.to ?? null,
    calls,
    pairs: [...pairs.values()].sort(comparePairs),
    ackMedianMs: ackLatencies(state, inPeriod, now),
    checks: checkCounts(state, inPeriod, now),
    timeline,
    exercise,
  };
}

function ackLatencies(state: LineState, inPeriod: (time: number) => boolean, now: number): Record<Precedence, AckLatency> {
  const samples = Object.fromEntries(precedences.map((p) => [p, [] as number[]])) as Record<Precedence, number[]>;
  for (const m of state.messages.values()) {
    if (!inPeriod(m.time) || m.exercise) continue;
    const acks = [...messageProgress(state, m, now).acks.values()];
    if (acks.length === 0) continue;
    const first = Math.min(...acks.map((a) => a.time));
    // A station clock behind the sender's can put an ack "before" the message; as in messageProgress, that is 0.
    samples[m.precedence].push(Math.max(0, first - m.time));
  }
  return Object.fromEntries(precedences.map((p) => [p, { count: samples[p].length, medianMs: median(samples[p]) }])) as Record<Precedence, AckLatency>;
}

/** The median, the mean of the middle two (rounded) for an even count; null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function checkCounts(state: LineState, inPeriod: (time: number) => boolean, now: number): CheckCounts {
  const out: CheckCounts = { sent: 0, answered: 0, late: 0, missed: 0, missedWhileLinkUp: 0, missedWhileLinkDown: 0 };
  for (const c of state.checks.values()) {
    if (!inPeriod(c.time)) continue;
    out.sent++;
    const { status, silent } = checkStatus(state, c, now);
    if (status === 'answered') out.answered++;
    else if (status === 'late') out.late++;
    else if (status === 'missed') {
      out.missed++;
      const link = missedLink(c, silent);
      if (link === 'down') out.missedWhileLinkDown++;
      else if (link === 'up') out.missedWhileLinkUp++;
    }
  }
  return out;
}

/**
 * What the sender's record of a missed check says of the silent parties'
 * links: "down" if any was down, "up" if all were up or degraded, else
 * unknown (no record, or a silent party's link unknown or not recorded).
 * The first record counts; the sender normally writes only one.
 */
function missedLink(c: CheckState, silent: string[]): 'up' | 'down' | 'unknown' {
  const record = c.missed[0];
  if (!record || silent.length === 0) return 'unknown';
  const links = silent.map((p) => (Object.hasOwn(record.link, p) ? record.link[p] : 'unknown'));
  if (links.includes('down')) return 'down';
  if (links.every((l) => l === 'up' || l === 'degraded')) return 'up';
  return 'unknown';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePairs(a: PairHistory, b: PairHistory): number {
  return b.attempts - a.attempts
    || compareText(a.caller.party, b.caller.party)
    || compareText(a.caller.name, b.caller.name)
    || compareText(a.callee.party, b.callee.party)
    || (a.callee.name === b.callee.name ? 0 : a.callee.name === null ? 1 : b.callee.name === null ? -1 : compareText(a.callee.name, b.callee.name));
}

// ---------------------------------------------------------------------------
// CSV export

const CSV_HEADER = ['time_utc', 'line', 'call', 'from_party', 'from', 'to_party', 'to', 'status', 'duration_s', 'reason', 'exercise'];

/**
 * The timeline as RFC 4180 CSV: a header row, then one row per call, every
 * row ending in CRLF. Text that a spreadsheet would run as a formula (starting
 * with =, +, -, @, tab or CR, per OWASP) gets a leading apostrophe.
 */
export function historyCsv(h: ContactHistory): string {
  const rows = [CSV_HEADER.map(csvField)];
  for (const c of h.timeline) {
    rows.push([
      isoUtc(c.time), h.line, c.call, c.party, c.from, c.toParty, c.to ?? '', c.status,
      c.durationMs === null ? '' : seconds(c.durationMs), c.reason ?? '', c.exercise ? 'yes' : '',
    ].map(csvField));
  }
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}

/** Milliseconds as seconds, exactly: 3600000 → "3600", 1500 → "1.5". */
function seconds(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ms));
  const whole = Math.floor(abs / 1000);
  const frac = abs % 1000;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** One CSV field: defused against formula injection, then quoted if it must be. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

// ---------------------------------------------------------------------------
// ISO 8601 times without the clock or the Date object (the core is pure)

const MS_PER_DAY = 86_400_000;

/**
 * Milliseconds since the epoch as ISO 8601 UTC, the same text as
 * Date.prototype.toISOString: "2026-03-04T05:06:07.089Z", with a signed
 * six-digit year outside 0000..9999.
 */
export function isoUtc(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RangeError(`time ${ms} is out of range`);
  const t = Math.trunc(ms) + 0; // the + 0 turns -0 into 0
  const days = Math.floor(t / MS_PER_DAY);
  const inDay = t - days * MS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const yearText = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  const hh = Math.floor(inDay / 3_600_000);
  const mm = Math.floor(inDay / 60_000) % 60;
  const ss = Math.floor(inDay / 1000) % 60;
  const sss = inDay % 1000;
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(sss, 3)}Z`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The proleptic Gregorian date of a day count since 1970-01-01: Howard
 * Hinnant's civil_from_days (https://howardhinnant.github.io/date_algorithms.html),
 * with floor division so days before the epoch work too.
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097); // 400-year eras
  const doe = z - era * 146_097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365], from March 1
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11], March = 0
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
