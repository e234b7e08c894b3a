import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Entry, JsonObject } from '../entry.ts';
import { checkStatus } from './checks.ts';
import { foldEntry } from './fold.ts';
import { messageProgress } from './messages.ts';
import { conflicts, noticeAcks } from './notices.ts';
import { createLineState } from './state.ts';
import {
  HOUR, M, MINUTE, P, SECOND, T0, W,
  assertOrderFree, circle, entry, foldAll, history, idOf, makeLine, noticeBody, ref, snapshotText, step,
} from './scenario.test-support.ts';

const line = makeLine();
const trio = makeLine([W, M, P]);

describe('messages', () => {
  const sent = entry(W, 0, 'message', { text: 'Flight of four crossing at 0900Z', from: 'duty', lang: 'en', precedence: 'FLASH', ackBy: T0 + 5 * MINUTE });
  const ack = entry(M, 0, 'ack', { ref: ref(sent), by: 'Ivan' }, { time: T0 + MINUTE, saw: [sent] });

  test('sent and not yet acknowledged: open for the receiver, "sent" then "overdue" for the sender', () => {
    const s = foldAll(line, W, [sent]);
    const m = s.messages.get(idOf(sent))!;
    assert.equal(m.precedence, 'FLASH');
    assert.equal(m.text, 'Flight of four crossing at 0900Z');
    assert.equal(s.openIncoming.size, 0, 'our own message is not incoming');
    assert.deepEqual([...s.openOutgoing], [idOf(sent)], 'ours, waiting for the other side');
    assert.deepEqual(messageProgress(s, m, T0).status, 'sent');
    assert.deepEqual(messageProgress(s, m, T0).waitingFor, [M]);
    assert.equal(messageProgress(s, m, T0 + 5 * MINUTE - 1).status, 'sent');
    assert.equal(messageProgress(s, m, T0 + 5 * MINUTE).status, 'overdue');

    const r = foldAll(line, M, [sent]);
    assert.deepEqual([...r.openIncoming], [idOf(sent)]);
  });

  test('acknowledged by the other party: progress, ack time, and the receiver no longer has it open', () => {
    const states = assertOrderFree(line, [sent, ack], { nows: [T0, T0 + HOUR] });
    const s = states.get(W)!;
    const p = messageProgress(s, s.messages.get(idOf(sent))!, T0 + HOUR);
    assert.equal(p.status, 'acknowledged');
    assert.deepEqual(p.waitingFor, []);
    assert.equal(p.ackMs, MINUTE);
    assert.deepEqual(p.acks.get(M), { ...s.messages.get(idOf(sent))!.acks[0] });
    assert.equal(p.acks.get(M)!.by, 'Ivan');
    assert.equal(states.get(M)!.openIncoming.size, 0);
    assert.equal(s.openOutgoing.size, 0, 'no longer waiting for anyone');
  });

  test('a message without precedence is ROUTINE; one without ackBy is never overdue', () => {
    const plain = entry(M, 0, 'message', { text: 'hello', from: 'duty' });
    const s = foldAll(line, W, [plain]);
    const m = s.messages.get(idOf(plain))!;
    assert.equal(m.precedence, 'ROUTINE');
    assert.equal(messageProgress(s, m, T0 + 1000 * HOUR).status, 'sent');
  });

  test("an acknowledgement by the message's own party is ignored", () => {
    const ownAck = entry(W, 1, 'ack', { ref: ref(sent), by: 'duty' }, { time: T0 + MINUTE });
    const states = assertOrderFree(line, [sent, ownAck], { nows: [T0, T0 + HOUR] });
    const s = states.get(W)!;
    const m = s.messages.get(idOf(sent))!;
    assert.deepEqual(m.acks, []);
    assert.equal(messageProgress(s, m, T0 + HOUR).status, 'overdue');
    assert.equal(s.malformed, 0, 'ignored, not malformed');
  });

  test('three parties: acknowledged only once both others have acknowledged; ackMs runs to the last', () => {
    const ackP = entry(P, 0, 'ack', { ref: ref(sent), by: 'Jeanne' }, { time: T0 + 3 * MINUTE, saw: [sent] });
    const ackM2 = entry(M, 1, 'ack', { ref: ref(sent), by: 'Boris' }, { time: T0 + 4 * MINUTE, saw: [sent] });
    const partial = foldAll(trio, W, [sent, ack]);
    const pm = messageProgress(partial, partial.messages.get(idOf(sent))!, T0 + 2 * MINUTE);
    assert.equal(pm.status, 'sent');
    assert.deepEqual(pm.waitingFor, [P]);

    const states = assertOrderFree(trio, [sent, ack, ackP, ackM2], { nows: [T0 + 2 * MINUTE, T0 + HOUR] });
    const s = states.get(W)!;
    const p = messageProgress(s, s.messages.get(idOf(sent))!, T0 + HOUR);
    assert.equal(p.status, 'acknowledged');
    assert.equal(p.ackMs, 3 * MINUTE);
    assert.equal(p.acks.get(M)!.by, 'Ivan', "Moscow's first acknowledgement counts");
    assert.equal(states.get(P)!.openIncoming.size, 0);
    assert.equal(states.get(M)!.openIncoming.size, 0);
  });

  test("one party's acknowledgement does not close the message for a third party", () => {
    const s = foldAll(trio, P, [sent, ack]);
    assert.deepEqual([...s.openIncoming], [idOf(sent)]);
  });

  test('translations are kept beside the original, in entry order, whoever wrote them', () => {
    const sight = entry(M, 0, 'translation', { ref: ref(sent), text: 'Группа из четырёх', lang: 'ru', stage: 'sight', translator: 'Olga' }, { time: T0 + MINUTE, saw: [sent] });
    const official = entry(W, 1, 'translation', { ref: ref(sent), text: 'Группа из четырёх самолётов', lang: 'ru', stage: 'official', translator: 'Anna' }, { time: T0 + 2 * MINUTE, saw: [sight] });
    const ackLater = entry(M, 1, 'ack', { ref: ref(sent), by: 'Ivan' }, { time: T0 + 3 * MINUTE, saw: [official] });
    const states = assertOrderFree(line, [sent, sight, official, ackLater], { nows: [T0 + HOUR] });
    const m = states.get(M)!.messages.get(idOf(sent))!;
    assert.equal(m.text, 'Flight of four crossing at 0900Z', 'the original is untouched');
    assert.deepEqual(m.translations.map((t) => [t.stage, t.translator]), [['sight', 'Olga'], ['official', 'Anna']]);
  });

  test("escalations by the receiver are recorded on the message; the sender's own are ignored", () => {
    const esc1 = entry(M, 0, 'escalation', { ref: ref(sent), level: 1, notify: 'Ivan' }, { time: T0 + 5 * MINUTE, saw: [sent] });
    const esc2 = entry(M, 1, 'escalation', { ref: ref(sent), level: 2, notify: null }, { time: T0 + 10 * MINUTE, saw: [sent] });
    const own = entry(W, 1, 'escalation', { ref: ref(sent), level: 1, notify: 'duty' }, { time: T0 + 6 * MINUTE });
    const late = entry(M, 2, 'ack', { ref: ref(sent), by: 'Ivan' }, { time: T0 + 11 * MINUTE, saw: [sent] });
    const states = assertOrderFree(line, [sent, esc1, esc2, own, late], { nows: [T0 + 7 * MINUTE, T0 + HOUR], roster: ['Ivan', 'Boris'] });
    const m = states.get(W)!.messages.get(idOf(sent))!;
    assert.deepEqual(m.escalations.map((e) => [e.party, e.level, e.notify]), [[M, 1, 'Ivan'], [M, 2, null]]);
    assert.equal(messageProgress(states.get(W)!, m, T0 + HOUR).ackMs, 11 * MINUTE);
  });

  test('an acknowledgement that arrives before its message waits for it, then applies', () => {
    const s = createLineState(line, M);
    foldEntry(s, ack);
    assert.deepEqual([...s.waiting.keys()], [idOf(sent)]);
    assert.equal(s.messages.size, 0);
    foldEntry(s, ack);
    assert.equal(s.waiting.get(idOf(sent))!.length, 1, 'a repeat waits once');
    foldEntry(s, sent);
    assert.equal(s.waiting.size, 0);
    assert.equal(s.messages.get(idOf(sent))!.acks.length, 1);
    assert.equal(s.openIncoming.size, 0, 'our own acknowledgement, held first, still closes the message');
    assert.equal(snapshotText(s, { nows: [T0] }), snapshotText(foldAll(line, M, [sent, ack]), { nows: [T0] }));
  });

  test('a malformed body is counted once and changes nothing else', () => {
    const bad = entry(W, 0, 'message', { text: '', from: 'duty' });
    const s = foldAll(line, M, [bad, bad, structuredClone(bad)]);
    assert.equal(s.malformed, 1);
    assert.equal(s.messages.size, 0);
    assert.equal(s.openIncoming.size, 0);
  });

  test('an unknown kind is held as applied and ignored', () => {
    const odd = entry(W, 0, 'x-future.kind', { anything: true });
    const s = foldAll(line, M, [odd]);
    assert.ok(s.applied.has(idOf(odd)));
    assert.equal(s.malformed, 0);
  });
});

describe('notices and conflicts', () => {
  const nW = entry(W, 0, 'notice', noticeBody('duty'), { time: T0 });
  // 30 km east, overlapping the Washington circle; 5–15 km high; 10:00–14:00.
  const nM = entry(M, 0, 'notice', noticeBody('duty', { area: circle(13.85, 52.5, 30_000), altitude: { lower: 5_000, upper: 15_000 }, window: { start: T0 + 2 * HOUR, end: T0 + 6 * HOUR } }), { time: T0 + MINUTE });
  const pair = [idOf(nM), idOf(nW)].sort();

  test('two parties\' overlapping notices make one active conflict, whatever the order', () => {
    const states = assertOrderFree(line, [nW, nM], { nows: [T0] });
    const c = conflicts(states.get(W)!);
    assert.equal(c.length, 1);
    assert.deepEqual(c[0].notices, pair);
    assert.equal(c[0].id, pair.join('|'));
    assert.equal(c[0].active, true);
    assert.deepEqual(c[0].records, []);
  });

  test('notices apart in time, height or place do not conflict; nor do one party\'s own notices', () => {
    const later = entry(M, 0, 'notice', noticeBody('duty', { window: { start: T0 + 4 * HOUR, end: T0 + 5 * HOUR } }));
    const higher = entry(M, 1, 'notice', noticeBody('duty', { altitude: { lower: 10_001, upper: 20_000 } }));
    const elsewhere = entry(M, 2, 'notice', noticeBody('duty', { area: circle(37.6, 55.75, 50_000) }));
    const ownOverlap = entry(W, 1, 'notice', noticeBody('duty'));
    const states = assertOrderFree(line, [nW, later, higher, elsewhere, ownOverlap], { nows: [T0] });
    assert.deepEqual(conflicts(states.get(W)!), []);
    assert.equal(states.get(W)!.notices.size, 5);
  });

  test('acknowledgement by the other party; the author\'s own is ignored', () => {
    const ackM = entry(M, 1, 'ack', { ref: ref(nW), by: 'Ivan' }, { time: T0 + 2 * MINUTE, saw: [nW] });
    const ackW = entry(W, 1, 'ack', { ref: ref(nW), by: 'duty' }, { time: T0 + 3 * MINUTE });
    const states = assertOrderFree(line, [nW, nM, ackM, ackW], { nows: [T0] });
    const s = states.get(W)!;
    const acks = noticeAcks(s, s.notices.get(idOf(nW))!);
    assert.deepEqual([...acks.keys()], [M]);
    assert.equal(acks.get(M)!.by, 'Ivan');
  });

  test('withdrawing a notice makes its conflict inactive; the conflict and its record stay', () => {
    const rec = entry(M, 1, 'conflict', { notices: [ref(nW), ref(nM)] }, { time: T0 + 2 * MINUTE, saw: [nW] });
    const withdraw = entry(W, 1, 'notice.withdraw', { notice: ref(nW), by: 'duty', reason: 'cancelled' }, { time: T0 + 3 * MINUTE, saw: [nM, rec] });
    const states = assertOrderFree(line, [nW, nM, rec, withdraw], { nows: [T0] });
    const s = states.get(M)!;
    const [c] = conflicts(s);
    assert.equal(c.active, false);
    assert.deepEqual(c.records.map((r) => r.id), [idOf(rec)]);
    const n = s.notices.get(idOf(nW))!;
    assert.equal(n.withdrawn?.by, 'duty');
    assert.equal(n.withdrawn?.reason, 'cancelled');
  });

  test('only the author can withdraw a notice; the first withdrawal counts', () => {
    const foreign = entry(M, 1, 'notice.withdraw', { notice: ref(nW), by: 'Ivan' }, { time: T0 + 2 * MINUTE, saw: [nW] });
    const first = entry(W, 1, 'notice.withdraw', { notice: ref(nW), by: 'duty', reason: 'first' }, { time: T0 + 3 * MINUTE });
    const second = entry(W, 2, 'notice.withdraw', { notice: ref(nW), by: 'duty', reason: 'second' }, { time: T0 + 4 * MINUTE });
    const onlyForeign = foldAll(line, W, [nW, nM, foreign]);
    assert.equal(onlyForeign.notices.get(idOf(nW))!.withdrawn, undefined);
    assert.equal(conflicts(onlyForeign)[0].active, true);
    const states = assertOrderFree(line, [nW, nM, foreign, second, first], { nows: [T0] });
    assert.equal(states.get(M)!.notices.get(idOf(nW))!.withdrawn?.reason, 'first');
  });

  test('a conflict recorded by one party can arrive before either notice', () => {
    // Moscow had seen both notices and recorded the conflict; Paris's station gets the record first.
    const rec = entry(M, 1, 'conflict', { notices: [ref(nM), ref(nW)] }, { time: T0 + 2 * MINUTE, saw: [nW] });
    const s = createLineState(trio, P);
    foldEntry(s, rec);
    assert.equal(s.waiting.size, 0, 'a record names a pair, it does not wait');
    assert.deepEqual(conflicts(s), [], 'no conflict without its notices');
    foldEntry(s, nM);
    foldEntry(s, nW);
    const [c] = conflicts(s);
    assert.equal(c.active, true);
    assert.deepEqual(c.records.map((r) => r.party), [M]);
    assertOrderFree(trio, [nW, nM, rec], { nows: [T0] });
  });

  test('the same conflict recorded by both parties, pair named in either order, is one conflict with two records', () => {
    const recM = entry(M, 1, 'conflict', { notices: [ref(nW), ref(nM)] }, { time: T0 + 2 * MINUTE, saw: [nW] });
    const recW = entry(W, 1, 'conflict', { notices: [ref(nM), ref(nW)] }, { time: T0 + 2 * MINUTE, saw: [nM] });
    const states = assertOrderFree(line, [nW, nM, recM, recW], { nows: [T0] });
    const cs = conflicts(states.get(W)!);
    assert.equal(cs.length, 1);
    assert.deepEqual(cs[0].records.map((r) => r.party), [M, W]);
  });

  test('three parties, all overlapping: three conflicts, order-free for every station', () => {
    const nP = entry(P, 0, 'notice', noticeBody('duty', { area: circle(13.6, 52.4, 20_000) }), { time: T0 + 2 * MINUTE });
    const recP = entry(P, 1, 'conflict', { notices: [ref(nW), ref(nP)] }, { time: T0 + 3 * MINUTE, saw: [nW] });
    const wdM = entry(M, 1, 'notice.withdraw', { notice: ref(nM), by: 'duty' }, { time: T0 + 4 * MINUTE });
    const states = assertOrderFree(trio, [nW, nM, nP, recP, wdM], { nows: [T0] });
    const cs = conflicts(states.get(W)!);
    assert.equal(cs.length, 3);
    assert.deepEqual(cs.map((c) => c.active), cs.map((c) => !c.notices.includes(idOf(nM))));
  });

  test('a notice with an inverted altitude band or empty window is malformed', () => {
    const inverted = entry(W, 0, 'notice', noticeBody('duty', { altitude: { lower: 100, upper: 0 } }));
    const empty = entry(W, 1, 'notice', noticeBody('duty', { window: { start: T0, end: T0 } }));
    const s = foldAll(line, M, [inverted, empty]);
    assert.equal(s.malformed, 2);
    assert.equal(s.notices.size, 0);
  });
});

describe('check calls', () => {
  const at = T0 + HOUR;
  const ackBy = at + 10 * MINUTE;
  const check = entry(W, 0, 'check', { slot: '2026-11-23T09:00+00:00', at, ackBy }, { time: at });

  test('waiting inside the window, missed after it when nobody answered', () => {
    const s = foldAll(line, W, [check]);
    const c = s.checks.get(idOf(check))!;
    assert.equal(checkStatus(s, c, at + MINUTE).status, 'waiting');
    assert.deepEqual(checkStatus(s, c, at + MINUTE).silent, [M]);
    assert.equal(checkStatus(s, c, ackBy).status, 'missed');
  });

  test('answered in the window', () => {
    const ack = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: at + 2 * MINUTE, saw: [check] });
    const states = assertOrderFree(line, [check, ack], { nows: [at, ackBy + HOUR] });
    const s = states.get(W)!;
    const st = checkStatus(s, s.checks.get(idOf(check))!, ackBy + HOUR);
    assert.equal(st.status, 'answered');
    assert.equal(st.acks.get(M)!.by, 'Ivan');
  });

  test('answered after the window: late', () => {
    const ack = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: ackBy + 1, saw: [check] });
    const states = assertOrderFree(line, [check, ack], { nows: [ackBy + HOUR] });
    const s = states.get(M)!;
    assert.equal(checkStatus(s, s.checks.get(idOf(check))!, ackBy + HOUR).status, 'late');
  });

  test('recorded missed with the link state; missed even before ackBy on a station with a fast clock', () => {
    const missed = entry(W, 1, 'check.missed', { check: ref(check), link: { [M]: 'down' } }, { time: ackBy });
    const states = assertOrderFree(line, [check, missed], { nows: [at, ackBy + HOUR] });
    const s = states.get(M)!;
    const c = s.checks.get(idOf(check))!;
    assert.deepEqual(c.missed.map((m) => m.link), [{ [M]: 'down' }]);
    assert.equal(checkStatus(s, c, at).status, 'missed');
  });

  test('missed, then acknowledged late: late', () => {
    const missed = entry(W, 1, 'check.missed', { check: ref(check), link: { [M]: 'up' } }, { time: ackBy });
    const ack = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: ackBy + 5 * MINUTE, saw: [check, missed] });
    const states = assertOrderFree(line, [check, missed, ack], { nows: [ackBy + HOUR] });
    const s = states.get(W)!;
    const st = checkStatus(s, s.checks.get(idOf(check))!, ackBy + HOUR);
    assert.equal(st.status, 'late');
    assert.deepEqual(st.silent, []);
  });

  test('only the author records a check missed', () => {
    const foreign = entry(M, 0, 'check.missed', { check: ref(check), link: {} }, { time: ackBy, saw: [check] });
    const states = assertOrderFree(line, [check, foreign], { nows: [at] });
    const s = states.get(W)!;
    assert.deepEqual(s.checks.get(idOf(check))!.missed, []);
    assert.equal(checkStatus(s, s.checks.get(idOf(check))!, at).status, 'waiting');
  });

  test('three parties: answered only when both others answered in time; late when one was late', () => {
    const ackM = entry(M, 0, 'ack', { ref: ref(check), by: 'Ivan' }, { time: at + MINUTE, saw: [check] });
    const ackP = entry(P, 0, 'ack', { ref: ref(check), by: 'Jeanne' }, { time: ackBy + MINUTE, saw: [check] });
    const half = foldAll(trio, W, [check, ackM]);
    assert.deepEqual(checkStatus(half, half.checks.get(idOf(check))!, at + 2 * MINUTE).silent, [P]);
    const states = assertOrderFree(trio, [check, ackM, ackP], { nows: [at, ackBy + HOUR] });
    const s = states.get(P)!;
    assert.equal(checkStatus(s, s.checks.get(idOf(check))!, ackBy + HOUR).status, 'late');
  });
});

describe('templates, settings and line tests', () => {
  test('a template number holds the latest definition by (time, party, seq), whoever wrote it', () => {
    const t1 = entry(W, 0, 'template', { number: 7, title: 'Launch notice', texts: { en: 'Launch at {time}' } }, { time: T0 });
    const t2 = entry(M, 0, 'template', { number: 7, title: 'Launch notice', texts: { en: 'Launch at {time}', ru: 'Пуск в {time}' } }, { time: T0 + MINUTE, saw: [t1] });
    // Concurrent with t2, same time: Moscow < Washington, so Washington's is later.
    const t3 = entry(W, 1, 'template', { number: 7, texts: { en: 'Launch at {time} (rev)' }, precedence: 'IMMEDIATE' }, { time: T0 + MINUTE });
    const other = entry(M, 1, 'template', { number: 8, texts: { fr: 'Bonjour' } }, { time: T0 });
    const states = assertOrderFree(line, [t1, t2, t3, other], { nows: [T0] });
    const s = states.get(W)!;
    assert.equal(s.templates.get(7)!.id, idOf(t3));
    assert.equal(s.templates.get(7)!.precedence, 'IMMEDIATE');
    assert.deepEqual(s.templates.get(8)!.texts, { fr: 'Bonjour' });
  });

  test("each party's settings are its latest settings entry", () => {
    const base = { deadlines: { FLASH: 300, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 }, ringSeconds: 60, escalationStepSeconds: 300, checks: null };
    const w0 = entry(W, 0, 'line.settings', { ...base, ringSeconds: 30 }, { time: T0 });
    // A later seq wins even with an earlier clock.
    const w1 = entry(W, 1, 'line.settings', { ...base, ringSeconds: 45 }, { time: T0 - MINUTE });
    const m0 = entry(M, 0, 'line.settings', { ...base, escalationStepSeconds: 60 }, { time: T0 });
    const bad = entry(M, 1, 'line.settings', { ...base, ringSeconds: 1 }, { time: T0 + MINUTE });
    const states = assertOrderFree(line, [w0, w1, m0, bad], { nows: [T0] });
    const s = states.get(W)!;
    assert.equal(s.settings.get(W)!.settings.ringSeconds, 45);
    assert.equal(s.settings.get(M)!.settings.escalationStepSeconds, 60);
    assert.equal(s.malformed, 1);
  });

  test('a line test from the other party is unanswered until our reply is held; a reply may come first', () => {
    const t = entry(M, 0, 'line.test', {}, { time: T0 });
    const reply = entry(W, 0, 'line.test.reply', { party: M, seq: 0 }, { time: T0 + SECOND, saw: [t] });
    const open = foldAll(line, W, [t]);
    assert.deepEqual([...open.unansweredTests.keys()], [idOf(t)]);
    assert.equal(foldAll(line, M, [t]).unansweredTests.size, 0, 'our own test is not ours to answer');
    const states = assertOrderFree(line, [t, reply], { nows: [T0] });
    assert.equal(states.get(W)!.unansweredTests.size, 0);
    const replyFirst = foldAll(line, W, [reply, t]);
    assert.equal(replyFirst.unansweredTests.size, 0);
  });

  test("another party's reply does not answer our open test", () => {
    const t = entry(M, 0, 'line.test', {}, { time: T0 });
    const theirs = entry(P, 0, 'line.test.reply', { party: M, seq: 0 }, { time: T0 + 1, saw: [t] });
    const states = assertOrderFree(trio, [t, theirs], { nows: [T0] });
    assert.deepEqual([...states.get(W)!.unansweredTests.keys()], [idOf(t)]);
    assert.equal(states.get(P)!.unansweredTests.size, 0, 'Paris answered for itself');
  });
});

describe('a whole day on the line, order-free under fast-check', () => {
  test('messages, notices, checks, calls, readouts, settings and tests together', () => {
    const settingsW = entry(W, 0, 'line.settings', {
      deadlines: { FLASH: 300, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 }, ringSeconds: 60, escalationStepSeconds: 120,
      checks: { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: ['09:00'], windowMinutes: 10 },
    }, { time: T0 });
    const msg = entry(W, 1, 'message', { text: 'Exercise begins', from: 'duty', precedence: 'IMMEDIATE', ackBy: T0 + 30 * MINUTE }, { time: T0 + MINUTE });
    const msgM = entry(M, 0, 'message', { text: 'Understood?', from: 'duty', precedence: 'FLASH', ackBy: T0 + 7 * MINUTE }, { time: T0 + 2 * MINUTE, saw: [msg] });
    const tr = entry(M, 1, 'translation', { ref: ref(msg), text: 'Учения начинаются', lang: 'ru', stage: 'rough', translator: 'Olga' }, { time: T0 + 3 * MINUTE, saw: [msg] });
    const ackM = entry(M, 2, 'ack', { ref: ref(msg), by: 'Ivan' }, { time: T0 + 4 * MINUTE, saw: [msg] });
    const escW = entry(W, 2, 'escalation', { ref: ref(msgM), level: 1, notify: 'Alice' }, { time: T0 + 7 * MINUTE, saw: [msgM] });
    const nW = entry(W, 3, 'notice', noticeBody('duty'), { time: T0 + 8 * MINUTE });
    const nM = entry(M, 3, 'notice', noticeBody('duty', { area: circle(13.5, 52.6, 10_000) }), { time: T0 + 8 * MINUTE });
    const recM = entry(M, 4, 'conflict', { notices: [ref(nM), ref(nW)] }, { time: T0 + 9 * MINUTE, saw: [nW] });
    const call = entry(W, 4, 'call.request', { from: 'duty', toParty: M, ringUntil: T0 + 11 * MINUTE }, { time: T0 + 10 * MINUTE, saw: [recM] });
    const accept = entry(M, 5, 'call.accept', { call: ref(call), by: 'Ivan' }, { time: T0 + 10 * MINUTE + 5 * SECOND, saw: [call] });
    const end = entry(W, 5, 'call.end', { call: ref(call), by: 'duty' }, { time: T0 + 20 * MINUTE, saw: [accept] });
    const readoutW = entry(W, 6, 'readout', { call: ref(call), text: 'We spoke.', public: true, by: 'duty' }, { time: T0 + 25 * MINUTE, saw: [accept] });
    const check = entry(W, 7, 'check', { slot: '2026-11-23T09:00+00:00', at: T0 + HOUR, ackBy: T0 + HOUR + 10 * MINUTE }, { time: T0 + HOUR, saw: [accept] });
    const ackCheck = entry(M, 6, 'ack', { ref: ref(check), by: 'Ivan' }, { time: T0 + HOUR + 12 * MINUTE, saw: [check] });
    const testM = entry(M, 7, 'line.test', {}, { time: T0 + 2 * HOUR, saw: [check] });
    const testReply = entry(W, 8, 'line.test.reply', { party: M, seq: 7 }, { time: T0 + 2 * HOUR + 1, saw: [testM] });
    const entries = [settingsW, msg, msgM, tr, ackM, escW, nW, nM, recM, call, accept, end, readoutW, check, ackCheck, testM, testReply];
    const view = { nows: [T0 + 5 * MINUTE, T0 + 9 * MINUTE + 30 * SECOND, T0 + HOUR + 3 * MINUTE, T0 + 3 * HOUR], roster: ['Alice', 'Bob'] };
    const states = assertOrderFree(line, entries, view, { runs: 200 });
    // Spot checks on the end state, so the snapshot is known to hold something.
    const s = states.get(W)!;
    assert.equal(s.calls.size, 1);
    assert.equal(s.readouts.get(idOf(call))!.length, 1);
    assert.equal(conflicts(s)[0].active, true);
    assert.equal(checkStatus(s, s.checks.get(idOf(check))!, T0 + 3 * HOUR).status, 'late');
    assert.deepEqual([...s.openIncoming], [idOf(msgM)]);
    assert.equal(s.unansweredTests.size, 0);
  });
});

describe('the order-freedom harness itself', () => {
  test('notices an order-dependent fold: two different entries claiming one position (an equivocation)', () => {
    const sent = entry(W, 0, 'message', { text: 'one', from: 'duty' });
    const forged = entry(W, 0, 'message', { text: 'two', from: 'duty' });
    assert.throws(() => assertOrderFree(line, [sent, forged], { nows: [T0] }, { perspectives: [M] }), /disagrees with the natural order/);
  });

  test('notices an entry left waiting', () => {
    const orphan = entry(M, 0, 'ack', { ref: { party: W, seq: 9 }, by: 'Ivan' });
    assert.throws(() => assertOrderFree(line, [orphan], { nows: [T0] }), /left waiting/);
    assertOrderFree(line, [orphan], { nows: [T0] }, { complete: false });
  });
});

describe('random histories of every kind, order-free under fast-check', () => {
  for (const onLine of [[W, M], [W, M, P]]) {
    test(`${onLine.length} parties: any history, any arrival order with repeats, one state per station`, () => {
      const l = makeLine(onLine);
      const view = { nows: [T0, T0 + HOUR + 3 * MINUTE, T0 + 10 * HOUR], roster: ['r1', 'r2'] };
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), fc.nat({ max: onLine.length - 1 }), fc.infiniteStream(fc.nat()), (steps, who, rnd) => {
          const entries = history(steps, onLine);
          const me = onLine[who];
          const expected = snapshotText(foldAll(l, me, entries), view);
          // A random arrival order with repeats, drawn from the stream.
          const order = [...entries];
          for (let i = order.length - 1; i > 0; i--) {
            const j = rnd.next().value % (i + 1);
            [order[i], order[j]] = [order[j], order[i]];
          }
          const repeats = rnd.next().value % (entries.length + 1);
          for (let k = 0; k < repeats; k++) order.splice(rnd.next().value % (order.length + 1), 0, structuredClone(entries[rnd.next().value % entries.length]));
          assert.equal(snapshotText(foldAll(l, me, order), view), expected);
        }),
        // FOLD_FUZZ_RUNS=20000 for a long soak.
        { numRuns: Number(process.env.FOLD_FUZZ_RUNS ?? 300) },
      );
    });
  }
});
