// Shared builder for the line-state tests: entries without signatures (the
// fold never verifies them), a canonical snapshot of a state's meaning, and
// the order-freedom check (every permutation, with duplicates, folds alike).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Entry, JsonObject } from '../entry.ts';
import type { Line } from '../line.ts';
import { refId, type EntryRef } from '../kinds/ref.ts';
import { callOutcome } from './calls.ts';
import { checkStatus } from './checks.ts';
import { dueActions } from './due.ts';
import { foldEntry } from './fold.ts';
import { messageProgress } from './messages.ts';
import { conflicts, noticeAcks } from './notices.ts';
import { createLineState, type LineState } from './state.ts';

export const W = 'Washington';
export const M = 'Moscow';
export const P = 'Paris';
export const LINE_ID = 'deconfliction';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** Monday 23 November 2026, 08:00 UTC: every scenario's clock starts here. */
export const T0 = Date.UTC(2026, 10, 23, 8, 0);

export function makeLine(parties: string[] = [W, M], opts: { discreet?: boolean } = {}): Line {
  return { id: LINE_ID, title: 't', parties: parties.map((name) => ({ name, key: 'k' })), discreet: opts.discreet ?? false, createdAt: 0 };
}

export interface EntryOptions {
  /** Author time; T0 unless given. */
  time?: number;
  /** The author's seen-sizes, verbatim. */
  seen?: Record<string, number>;
  /** Entries the author had seen when writing: `seen` becomes the smallest sizes covering them. */
  saw?: Entry[];
}

/** The seen-sizes of an author who had seen exactly these entries (and everything before them in their logs). */
export function seenAfter(author: string, entries: Entry[]): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const e of entries) if (e.party !== author) seen[e.party] = Math.max(seen[e.party] ?? 0, e.seq + 1);
  return seen;
}

export function entry(party: string, seq: number, kind: string, body: JsonObject, opts: EntryOptions = {}): Entry {
  return {
    v: 1, line: LINE_ID, party, seq, time: opts.time ?? T0, kind, body,
    seen: opts.seen ?? seenAfter(party, opts.saw ?? []), sig: '',
  };
}

export function ref(e: Entry): EntryRef {
  return { party: e.party, seq: e.seq };
}

export function idOf(e: Entry): string {
  return refId(e);
}

export function foldAll(line: Line, me: string, entries: Entry[]): LineState {
  const s = createLineState(line, me);
  for (const e of entries) foldEntry(s, e);
  return s;
}

// ---- Bodies used in several files -----------------------------------------

export function circle(lon: number, lat: number, radius: number) {
  return { type: 'Point', coordinates: [lon, lat], radius };
}

/** A notice body; by default an exercise over a 50 km circle near Berlin, 0–10 km high, 08:00–12:00 on day one. */
export function noticeBody(from: string, over: Partial<{ area: object; altitude: { lower: number; upper: number }; window: { start: number; end: number }; text: string; kind: string }> = {}): JsonObject {
  return {
    kind: over.kind ?? 'exercise', from,
    area: over.area ?? circle(13.4, 52.5, 50_000),
    altitude: over.altitude ?? { lower: 0, upper: 10_000 },
    window: over.window ?? { start: T0, end: T0 + 4 * HOUR },
    text: over.text ?? `exercise by ${from}`,
  };
}

// ---- The canonical snapshot -------------------------------------------------

export interface View {
  /** Instants at which the time-dependent views (progress, check status, due actions) are taken. */
  nows: number[];
  /** The watch roster handed to dueActions. */
  roster?: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Maps and sets become sorted arrays, object keys are sorted, undefined members dropped. Arrays keep their order. */
export function canon(v: unknown): unknown {
  if (v instanceof Map) {
    return [...v.entries()]
      .map(([k, x]) => [String(k), canon(x)] as [string, unknown])
      .sort((a, b) => byText(a[0], b[0]));
  }
  if (v instanceof Set) return [...v].map((x) => JSON.stringify(canon(x))).sort(byText).map((x) => JSON.parse(x) as unknown);
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort(byText).filter((k) => o[k] !== undefined).map((k) => [k, canon(o[k])]));
  }
  return v;
}

/**
 * Everything the state means, as plain sorted data: every map and set in it
 * (insertion order dropped), entries waiting by id, and the derived views —
 * each call's outcome, each notice's acknowledgements, the conflicts, and at
 * each instant of `view.nows` every message's progress, every check's status
 * and the due actions (sorted: their order carries no meaning) with the wake.
 */
export function snapshot(s: LineState, view: View): unknown {
  const { waiting, ...held } = s;
  return canon({
    ...held,
    waiting: new Map([...waiting.entries()].map(([id, list]) => [id, list.map((e) => idOf(e)).sort(byText)])),
    outcomes: new Map([...s.calls.values()].map((c) => [c.id, callOutcome(c)])),
    noticeAcks: new Map([...s.notices.values()].map((n) => [n.id, noticeAcks(s, n)])),
    conflicts: conflicts(s),
    at: view.nows.map((now) => {
      const due = dueActions(s, { now, roster: view.roster ?? [] });
      return {
        now,
        progress: new Map([...s.messages.values()].map((m) => [m.id, messageProgress(s, m, now)])),
        checks: new Map([...s.checks.values()].map((c) => [c.id, checkStatus(s, c, now)])),
        due: { wake: due.wake, actions: due.actions.map((a) => JSON.stringify(canon(a))).sort(byText) },
      };
    }),
  });
}

export function snapshotText(s: LineState, view: View): string {
  return JSON.stringify(snapshot(s, view), null, 1);
}

// ---- Order freedom ----------------------------------------------------------

export function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: T[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/** A fresh copy, as a station would decode it from the wire a second time. */
export function copy(e: Entry): Entry {
  return structuredClone(e);
}

/** Any order of the entries, each at least once, some several times (as copies), anywhere. */
export function arrivals(entries: Entry[]): fc.Arbitrary<Entry[]> {
  const n = entries.length;
  return fc
    .tuple(
      fc.shuffledSubarray(entries, { minLength: n, maxLength: n }),
      fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat()), { maxLength: 2 * n }),
    )
    .map(([order, repeats]) => {
      const out = [...order];
      for (const [which, where] of repeats) out.splice(where % (out.length + 1), 0, copy(entries[which]));
      return out;
    });
}

const ids = (entries: Entry[]) => entries.map((e) => idOf(e)).join(' ');

export interface OrderFreeOptions {
  /** Whose station folds: every party of the line unless given. */
  perspectives?: string[];
  /** fast-check runs per perspective. */
  runs?: number;
  /** Whether every entry's target is among the entries (then nothing may be left waiting). */
  complete?: boolean;
}

/**
 * Folds the entries in their natural order, then in every order (all
 * permutations up to 6 entries, each also with duplicates; random orders with
 * random duplicates by fast-check for any size) and insists on the same
 * snapshot from every station's point of view. Returns the natural-order
 * state of each perspective.
 */
export function assertOrderFree(line: Line, entries: Entry[], view: View, opts: OrderFreeOptions = {}): Map<string, LineState> {
  const states = new Map<string, LineState>();
  for (const me of opts.perspectives ?? line.parties.map((p) => p.name)) {
    const natural = foldAll(line, me, entries);
    states.set(me, natural);
    if (opts.complete ?? true) assert.deepEqual([...natural.waiting.keys()], [], `${me}: entries left waiting in natural order`);
    const expected = snapshotText(natural, view);
    const same = (order: Entry[]) => {
      const got = snapshotText(foldAll(line, me, order), view);
      if (got !== expected) assert.equal(got, expected, `${me}'s station folding [${ids(order)}] disagrees with the natural order`);
    };
    if (entries.length <= 6) {
      for (const p of permutations(entries)) {
        same(p);
        // Each entry twice: once interleaved, once more at the end in reverse.
        same([...p.flatMap((e, i) => (i % 2 === 0 ? [e, copy(e)] : [e])), ...p.map(copy).reverse()]);
      }
    }
    fc.assert(fc.property(arrivals(entries), (order) => same(order)), { numRuns: opts.runs ?? (entries.length <= 6 ? 50 : 300) });
  }
  return states;
}

// ---- Random histories of every kind (fast-check) -----------------------------

const kinds = [
  'message', 'ack', 'translation', 'escalation', 'template', 'line.settings', 'call.request', 'call.accept', 'call.decline',
  'call.unanswered', 'call.cancel', 'call.end', 'readout', 'notice', 'notice.withdraw', 'conflict', 'check', 'check.missed',
  'line.test', 'line.test.reply',
];
const areas = [circle(13.4, 52.5, 50_000), circle(13.6, 52.5, 30_000), circle(2.35, 48.85, 20_000)];
export const step = fc.record({
  party: fc.nat({ max: 2 }),
  kind: fc.constantFrom(...kinds),
  target: fc.nat(),
  other: fc.nat(),
  n: fc.nat({ max: 3 }),
  dt: fc.integer({ min: 0, max: 20 * MINUTE }),
  sees: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
});
export type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** Builds a causally sensible history: each entry may see only what its peers had written before it. */
export function history(steps: Array<Step>, onLine: string[]): Entry[] {
  const out: Entry[] = [];
  const size = new Map<string, number>();
  let clock = T0;
  for (const st of steps) {
    const party = onLine[st.party % onLine.length];
    const seq = size.get(party) ?? 0;
    clock += st.dt;
    const target = out.length ? out[st.target % out.length] : undefined;
    const tRef = target ? ref(target) : { party: onLine[(st.party + 1) % onLine.length], seq: 0 };
    const second = out.length ? ref(out[st.other % out.length]) : tRef;
    const otherParty = onLine.filter((p) => p !== party)[st.other % Math.max(1, onLine.length - 1)] ?? party;
    const bodies: Record<string, JsonObject> = {
      message: { text: `m${st.n}`, from: 'duty', ...(st.n > 0 ? { ackBy: clock + st.n * 5 * MINUTE } : {}), ...(st.n === 2 ? { precedence: 'FLASH' } : {}) },
      ack: { ref: tRef, by: 'p' },
      translation: { ref: tRef, text: 't', lang: 'ru', stage: (['sight', 'rough', 'official'] as const)[st.n % 3], translator: 'x' },
      escalation: { ref: tRef, level: st.n + 1, notify: st.n === 0 ? null : 'r' },
      template: { number: 1 + (st.n % 2), texts: { en: `t${st.n}` } },
      'line.settings': {
        deadlines: { FLASH: 300, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 }, ringSeconds: 60, escalationStepSeconds: 60 * (st.n + 1),
        checks: st.n % 2 ? { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: ['09:00', '10:00'], windowMinutes: 10 } : null,
      },
      'call.request': { from: 'duty', toParty: st.n === 3 ? party : otherParty, ringUntil: clock + MINUTE },
      'call.accept': { call: tRef, by: 'a' },
      'call.decline': { call: tRef, by: 'a', reason: 'r' },
      'call.unanswered': { call: tRef },
      'call.cancel': { call: tRef, by: 'a' },
      'call.end': { call: tRef, by: 'a' },
      readout: { call: tRef, text: 'r', public: st.n % 2 === 0, by: 'a' },
      notice: noticeBody('duty', { area: areas[st.n % 3], window: { start: T0 + st.n * HOUR, end: T0 + (st.n + 2) * HOUR } }),
      'notice.withdraw': { notice: tRef, by: 'a' },
      conflict: { notices: [tRef, second] },
      check: { slot: 's', at: clock, ackBy: clock + st.n * 5 * MINUTE },
      'check.missed': { check: tRef, link: { [otherParty]: 'down' } },
      'line.test': {},
      'line.test.reply': tRef,
    };
    const seen: Record<string, number> = {};
    onLine.forEach((p, i) => {
      const held = size.get(p) ?? 0;
      if (p !== party && held > 0) seen[p] = st.sees[i] % (held + 1);
    });
    out.push(entry(party, seq, st.kind, bodies[st.kind], { time: clock, seen }));
    size.set(party, seq + 1);
  }
  return out;
}

