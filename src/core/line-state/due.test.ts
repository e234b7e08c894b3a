import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, JsonObject } from '../entry.ts';
import { defaultSettings } from '../kinds/settings.ts';
import { dueActions, type DueAction } from './due.ts';
import { foldEntry } from './fold.ts';
import type { LineState } from './state.ts';
import {
  HOUR, M, MINUTE, P, SECOND, T0, W,
  assertOrderFree, circle, entry, foldAll, idOf, makeLine, noticeBody, ref,
} from './scenario.test-support.ts';

const line = makeLine();
const trio = makeLine([W, M, P]);
const ROSTER = ['Ivan', 'Boris'];

function due(s: LineState, now: number, roster: string[] = ROSTER) {
  return dueActions(s, { now, roster });
}

function settings(over: Partial<typeof defaultSettings> = {}): JsonObject {
  return { ...defaultSettings, ...over } as unknown as JsonObject;
}

function fold(s: LineState, ...entries: Entry[]): LineState {
  for (const e of entries) foldEntry(s, e);
  return s;
}

describe('escalating an unacknowledged incoming message', () => {
  const ackBy = T0 + 5 * MINUTE;
  const step = 2 * MINUTE;
  const mine = entry(M, 0, 'line.settings', settings({ escalationStepSeconds: step / SECOND }), { time: T0 - HOUR });
  const msg = entry(W, 0, 'message', { text: 'Acknowledge', from: 'duty', precedence: 'FLASH', ackBy }, { time: T0 });
  const level1 = entry(M, 1, 'escalation', { ref: ref(msg), level: 1, notify: 'Ivan' }, { time: ackBy, saw: [msg] });
  const level2 = entry(M, 2, 'escalation', { ref: ref(msg), level: 2, notify: 'Boris' }, { time: ackBy + step, saw: [msg] });
  const escalate = (level: number, notify: string | null): DueAction => ({ type: 'escalate', message: ref(msg), level, notify });

  test('nothing before ackBy, and the wake points at it', () => {
    const s = foldAll(line, M, [mine, msg]);
    assert.deepEqual(due(s, T0), { actions: [], wake: ackBy });
    assert.deepEqual(due(s, ackBy - 1), { actions: [], wake: ackBy });
  });

  test('level 1 at ackBy, notifying the first on the roster', () => {
    const s = foldAll(line, M, [mine, msg]);
    assert.deepEqual(due(s, ackBy).actions, [escalate(1, 'Ivan')]);
    assert.deepEqual(due(s, ackBy + 10 * step).actions, [escalate(1, 'Ivan')], 'still level 1 until level 1 is on the record');
  });

  test('level 2 one escalation step later, notifying the second; then no more than the roster is long', () => {
    const s = foldAll(line, M, [mine, msg, level1]);
    assert.deepEqual(due(s, ackBy + 1), { actions: [], wake: ackBy + step });
    assert.deepEqual(due(s, ackBy + step).actions, [escalate(2, 'Boris')]);
    fold(s, level2);
    assert.deepEqual(due(s, ackBy + step), { actions: [], wake: null });
    assert.deepEqual(due(s, ackBy + 100 * step), { actions: [], wake: null });
  });

  test('the step is our own settings\', five minutes by default', () => {
    const s = foldAll(line, M, [msg, level1]);
    assert.deepEqual(due(s, ackBy + 1).wake, ackBy + defaultSettings.escalationStepSeconds * SECOND);
  });

  test('an empty roster still raises the alarm once, notifying nobody', () => {
    const s = foldAll(line, M, [mine, msg]);
    assert.deepEqual(due(s, ackBy, []).actions, [escalate(1, null)]);
    fold(s, entry(M, 1, 'escalation', { ref: ref(msg), level: 1, notify: null }, { time: ackBy, saw: [msg] }));
    assert.deepEqual(due(s, ackBy + 100 * step, []), { actions: [], wake: null });
  });

  test('our acknowledgement stops it, even a late one, even between levels', () => {
    const ack = entry(M, 3, 'ack', { ref: ref(msg), by: 'Ivan' }, { time: ackBy + step / 2, saw: [msg] });
    const s = foldAll(line, M, [mine, msg, level1, ack]);
    assert.deepEqual(due(s, ackBy + step), { actions: [], wake: null });
  });

  test("the sender's station never escalates its own message; a message without ackBy never escalates", () => {
    assert.deepEqual(due(foldAll(line, W, [msg]), ackBy + HOUR), { actions: [], wake: null });
    const noDeadline = entry(W, 1, 'message', { text: 'FYI', from: 'duty' }, { time: T0 });
    assert.deepEqual(due(foldAll(line, M, [noDeadline]), T0 + 1000 * HOUR), { actions: [], wake: null });
  });

  test("another party's escalations do not count as ours", () => {
    const theirs = entry(P, 0, 'escalation', { ref: ref(msg), level: 1, notify: 'Jeanne' }, { time: ackBy, saw: [msg] });
    const s = foldAll(trio, M, [mine, msg, theirs]);
    assert.deepEqual(due(s, ackBy).actions, [escalate(1, 'Ivan')]);
  });

  test('order-free at every step', () => {
    assertOrderFree(line, [mine, msg, level1, level2], { nows: [T0, ackBy, ackBy + step, ackBy + 10 * step], roster: ROSTER });
  });
});

describe('a ringing call of ours', () => {
  const ringUntil = T0 + 60 * SECOND;
  const request = entry(W, 0, 'call.request', { from: 'duty', toParty: M, ringUntil }, { time: T0 });
  const unanswered: DueAction = { type: 'unanswered', call: ref(request) };

  test('wakes at ringUntil, then is due unanswered', () => {
    const s = foldAll(line, W, [request]);
    assert.deepEqual(due(s, T0 + SECOND), { actions: [], wake: ringUntil });
    assert.deepEqual(due(s, ringUntil).actions, [unanswered]);
    assert.deepEqual(due(s, ringUntil + HOUR).actions, [unanswered]);
  });

  test('no longer due once our unanswered entry is held', () => {
    const s = foldAll(line, W, [request, entry(W, 1, 'call.unanswered', { call: ref(request) }, { time: ringUntil })]);
    assert.deepEqual(due(s, ringUntil + SECOND), { actions: [], wake: null });
  });

  test('not due once answered, cancelled by us, or for the callee', () => {
    const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 5 * SECOND, saw: [request] });
    const decline = entry(M, 0, 'call.decline', { call: ref(request), by: 'Ivan' }, { time: T0 + 5 * SECOND, saw: [request] });
    const cancel = entry(W, 1, 'call.cancel', { call: ref(request), by: 'duty' }, { time: T0 + 5 * SECOND });
    for (const answer of [accept, decline, cancel]) {
      assert.deepEqual(due(foldAll(line, W, [request, answer]), ringUntil).actions, [], answer.kind);
    }
    assert.deepEqual(due(foldAll(line, M, [request]), ringUntil), { actions: [], wake: null });
  });

  test("an accept by the wrong party leaves it ringing, so it is still due", () => {
    const selfAccept = entry(W, 1, 'call.accept', { call: ref(request), by: 'duty' }, { time: T0 + SECOND });
    assert.deepEqual(due(foldAll(line, W, [request, selfAccept]), ringUntil).actions, [unanswered]);
  });
});

describe('a check call of ours', () => {
  const at = T0 + HOUR;
  const ackBy = at + 10 * MINUTE;
  const check = entry(W, 0, 'check', { slot: '2026-11-23T09:00+00:00', at, ackBy }, { time: at });
  const missed: DueAction = { type: 'check-missed', check: ref(check) };

  test('silent past ackBy: check-missed; the wake points at ackBy before', () => {
    const s = foldAll(line, W, [check]);
    assert.deepEqual(due(s, at + MINUTE), { actions: [], wake: ackBy });
    assert.deepEqual(due(s, ackBy).actions, [missed]);
  });

  test('not due once answered (even late) or recorded missed; never for the other side', () => {
    const ack = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: ackBy + MINUTE, saw: [check] });
    const record = entry(W, 1, 'check.missed', { check: ref(check), link: { [M]: 'up' } }, { time: ackBy });
    assert.deepEqual(due(foldAll(line, W, [check, ack]), ackBy + HOUR).actions, []);
    assert.deepEqual(due(foldAll(line, W, [check, record]), ackBy + HOUR).actions, []);
    assert.deepEqual(due(foldAll(line, M, [check]), ackBy + HOUR), { actions: [], wake: null });
  });

  test('three parties: due while any other party is silent', () => {
    const ackM = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: at + MINUTE, saw: [check] });
    assert.deepEqual(due(foldAll(trio, W, [check, ackM]), ackBy).actions, [missed]);
  });
});

describe('scheduled check calls', () => {
  const schedule = { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: ['09:00'], windowMinutes: 10 };
  const nine = Date.UTC(2026, 10, 23, 9, 0);
  const ours = entry(W, 0, 'line.settings', settings({ checks: schedule }), { time: T0 });
  const checkAction: DueAction = { type: 'check', slot: '2026-11-23T09:00+00:00', at: nine, ackBy: nine + 10 * MINUTE };

  test('due at 09:03 UTC for the 09:00 slot, with its window', () => {
    const s = foldAll(line, W, [ours]);
    assert.deepEqual(due(s, nine + 3 * MINUTE).actions, [checkAction]);
    assert.deepEqual(due(s, nine).actions, [checkAction]);
  });

  test('not at 08:30 (wake at 09:00) nor at 09:11 (window closed; wake the next day)', () => {
    const s = foldAll(line, W, [ours]);
    assert.deepEqual(due(s, nine - 30 * MINUTE), { actions: [], wake: nine });
    assert.deepEqual(due(s, nine + 11 * MINUTE), { actions: [], wake: nine + 24 * HOUR });
    assert.deepEqual(due(s, nine + 10 * MINUTE).actions, [], 'the window is half-open');
  });

  test('no longer due once our check for the slot is held', () => {
    const sent = entry(W, 1, 'check', { slot: checkAction.slot, at: nine, ackBy: nine + 10 * MINUTE }, { time: nine + SECOND });
    const s = foldAll(line, W, [ours, sent]);
    assert.deepEqual(due(s, nine + 3 * MINUTE), { actions: [], wake: nine + 10 * MINUTE });
  });

  test("the other party's schedule is theirs; a one-party line has nobody to check", () => {
    assert.deepEqual(due(foldAll(line, M, [ours]), nine + 3 * MINUTE).actions, []);
    const alone = makeLine([W]);
    assert.deepEqual(due(foldAll(alone, W, [ours]), nine + 3 * MINUTE).actions, []);
  });

  test('rewriting our settings (ring time only) inside an open window does not drop that slot\'s check', () => {
    // The schedule is unchanged; only ringSeconds moves, at 09:02, before the 09:00 check was written.
    const rewrite = entry(W, 1, 'line.settings', settings({ checks: schedule, ringSeconds: 30 }), { time: nine + 2 * MINUTE });
    const s = foldAll(line, W, [ours, rewrite]);
    assert.deepEqual(due(s, nine + 3 * MINUTE).actions, [checkAction]);
  });

  test('a schedule whose zone this runtime does not know stops nothing else that is due', () => {
    // The writer checks the zone (line-settings command), but an entry written elsewhere or under another tz database can name one we lack.
    const unknownZone = entry(M, 0, 'line.settings', settings({ checks: { ...schedule, zone: 'Nowhere/Atlantis' } }), { time: T0 });
    const msg = entry(W, 0, 'message', { text: 'ack', from: 'duty', ackBy: nine }, { time: T0 });
    const s = foldAll(line, M, [unknownZone, msg]);
    let result: ReturnType<typeof dueActions> | undefined;
    assert.doesNotThrow(() => { result = due(s, nine + 3 * MINUTE); });
    assert.deepEqual(result?.actions.map((a) => a.type), ['escalate']);
  });

  test('a station back after days sends one check, for the latest slot, not a backlog', () => {
    const wednesday = Date.UTC(2026, 10, 25, 9, 0);
    const s = foldAll(line, W, [ours]);
    assert.deepEqual(due(s, wednesday + 3 * MINUTE).actions, [{ type: 'check', slot: '2026-11-25T09:00+00:00', at: wednesday, ackBy: wednesday + 10 * MINUTE }]);
  });
});

describe('line tests', () => {
  const t = entry(M, 0, 'line.test', {}, { time: T0 });
  const reply = entry(W, 0, 'line.test.reply', { party: M, seq: 0 }, { time: T0 + SECOND, saw: [t] });

  test("the other party's test is due a reply until our reply entry is held", () => {
    const s = foldAll(line, W, [t]);
    assert.deepEqual(due(s, T0).actions, [{ type: 'line-test-reply', test: ref(t) }]);
    fold(s, reply);
    assert.deepEqual(due(s, T0 + SECOND), { actions: [], wake: null });
  });

  test('our own test needs no reply from us', () => {
    assert.deepEqual(due(foldAll(line, M, [t]), T0).actions, []);
  });
});

describe('conflicts', () => {
  const nW = entry(W, 0, 'notice', noticeBody('duty'), { time: T0 });
  const nM = entry(M, 0, 'notice', noticeBody('duty', { area: circle(13.7, 52.5, 20_000) }), { time: T0 + MINUTE });
  const ids = [idOf(nW), idOf(nM)].sort();
  const action: DueAction = { type: 'conflict', notices: [ref(ids[0] === idOf(nW) ? nW : nM), ref(ids[0] === idOf(nW) ? nM : nW)] };
  const recW = entry(W, 1, 'conflict', { notices: [ref(nW), ref(nM)] }, { time: T0 + 2 * MINUTE, saw: [nM] });
  const recM = entry(M, 1, 'conflict', { notices: [ref(nM), ref(nW)] }, { time: T0 + 2 * MINUTE, saw: [nW] });

  test('an active conflict not recorded by us is due; it goes once our record is held', () => {
    const s = foldAll(line, W, [nW, nM]);
    assert.deepEqual(due(s, T0 + 2 * MINUTE).actions, [action]);
    fold(s, recM);
    assert.deepEqual(due(s, T0 + 2 * MINUTE).actions, [action], "the other party's record is not ours");
    fold(s, recW);
    assert.deepEqual(due(s, T0 + 2 * MINUTE).actions, []);
  });

  test('our record held before the notices: never due', () => {
    const s = foldAll(line, W, [recW, nM, nW]);
    assert.deepEqual(due(s, T0 + 2 * MINUTE).actions, []);
  });

  test('an inactive (withdrawn) conflict is not due', () => {
    const wd = entry(M, 2, 'notice.withdraw', { notice: ref(nM), by: 'duty' }, { time: T0 + 3 * MINUTE });
    assert.deepEqual(due(foldAll(line, W, [nW, nM, wd]), T0 + 3 * MINUTE).actions, []);
  });
});

describe('everything due at once, order-free', () => {
  test('one snapshot of due actions from both stations, in any order of arrival', () => {
    const schedule = { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: ['09:00'], windowMinutes: 10 };
    const nine = Date.UTC(2026, 10, 23, 9, 0);
    const sW = entry(W, 0, 'line.settings', settings({ checks: schedule, escalationStepSeconds: 60 }), { time: T0 });
    const sM = entry(M, 0, 'line.settings', settings({ escalationStepSeconds: 120 }), { time: T0 });
    const msgW = entry(W, 1, 'message', { text: 'ack please', from: 'duty', ackBy: nine - 30 * MINUTE }, { time: T0 + MINUTE });
    const msgM = entry(M, 1, 'message', { text: 'and you', from: 'duty', ackBy: nine - 20 * MINUTE }, { time: T0 + MINUTE });
    const escM = entry(M, 2, 'escalation', { ref: ref(msgW), level: 1, notify: 'Ivan' }, { time: nine - 30 * MINUTE, saw: [msgW] });
    const callM = entry(M, 3, 'call.request', { from: 'duty', toParty: W, ringUntil: nine + MINUTE }, { time: nine });
    const checkM = entry(M, 4, 'check', { slot: 'x', at: nine - HOUR, ackBy: nine - 50 * MINUTE }, { time: nine - HOUR });
    const nW = entry(W, 2, 'notice', noticeBody('duty'), { time: T0 + 2 * MINUTE });
    const nM = entry(M, 5, 'notice', noticeBody('duty'), { time: T0 + 2 * MINUTE });
    const testW = entry(W, 3, 'line.test', {}, { time: nine });
    const view = { nows: [T0, nine - 25 * MINUTE, nine + 3 * MINUTE, nine + 2 * HOUR], roster: ['A', 'B', 'C'] };
    const states = assertOrderFree(line, [sW, sM, msgW, msgM, escM, callM, checkM, nW, nM, testW], view, { runs: 300 });
    const kinds = (s: LineState, now: number) => due(s, now, ['A', 'B', 'C']).actions.map((a) => a.type).sort();
    assert.deepEqual(kinds(states.get(W)!, nine + 3 * MINUTE), ['check', 'conflict', 'escalate']);
    assert.deepEqual(kinds(states.get(M)!, nine + 3 * MINUTE), ['check-missed', 'conflict', 'escalate', 'line-test-reply', 'unanswered']);
  });
});
