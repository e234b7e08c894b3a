import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '../entry.ts';
import { callOutcome, type CallOutcome } from './calls.ts';
import type { LineState } from './state.ts';
import {
  HOUR, M, MINUTE, P, SECOND, T0, W,
  assertOrderFree, entry, foldAll, idOf, makeLine, ref,
} from './scenario.test-support.ts';

const line = makeLine();
const trio = makeLine([W, M, P]);
const FP_W = `sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`;
const FP_M = `sha-256 ${Array.from({ length: 32 }, () => '0F').join(':')}`;
const RING = 60 * SECOND;

/** Washington calls Moscow at T0; it rings for a minute. */
const request = entry(W, 0, 'call.request', { from: 'duty', toParty: M, to: 'Ivan', ringUntil: T0 + RING, fingerprint: FP_W }, { time: T0 });

const view = { nows: [T0, T0 + RING, T0 + HOUR] };

function outcome(s: LineState, call: Entry = request): CallOutcome {
  return callOutcome(s.calls.get(idOf(call))!);
}

/** Folds in natural order and in every other, from both sides; returns Washington's outcome. */
function decided(entries: Entry[], on = line): CallOutcome {
  const states = assertOrderFree(on, entries, view);
  const outcomes = [...states.values()].map((s) => outcome(s, entries[0]));
  for (const o of outcomes) assert.deepEqual(o, outcomes[0], 'every station decides the call alike');
  return outcomes[0];
}

describe('call outcomes', () => {
  test('a request alone is ringing, with the caller as the only participant', () => {
    const o = decided([request]);
    assert.equal(o.status, 'ringing');
    assert.deepEqual(o.participants, [{ party: W, name: 'duty' }]);
    const c = foldAll(line, M, [request]).calls.get(idOf(request))!;
    assert.equal(c.toParty, M);
    assert.equal(c.to, 'Ivan');
    assert.equal(c.ringUntil, T0 + RING);
    assert.equal(c.fingerprint, FP_W);
  });

  describe('request → accept → end', () => {
    const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan', fingerprint: FP_M }, { time: T0 + 10 * SECOND, saw: [request] });
    const end = entry(W, 1, 'call.end', { call: ref(request), by: 'duty' }, { time: T0 + 5 * MINUTE, saw: [accept] });

    test('accepted: started at the accept, both participants named', () => {
      const o = decided([request, accept]);
      assert.equal(o.status, 'accepted');
      assert.equal(o.startedAt, T0 + 10 * SECOND);
      assert.equal(o.answer?.id, idOf(accept));
      assert.equal(o.answer?.fingerprint, FP_M);
      assert.deepEqual(o.participants, [{ party: W, name: 'duty' }, { party: M, name: 'Ivan' }]);
    });

    test('ended by the caller', () => {
      const o = decided([request, accept, end]);
      assert.equal(o.status, 'ended');
      assert.equal(o.startedAt, T0 + 10 * SECOND);
      assert.equal(o.endedAt, T0 + 5 * MINUTE);
      assert.equal(o.endedBy, 'duty');
    });

    test('ended by the callee, whose end follows its own accept', () => {
      const endM = entry(M, 1, 'call.end', { call: ref(request), by: 'Ivan' }, { time: T0 + 3 * MINUTE });
      const o = decided([request, accept, endM, end]);
      assert.equal(o.status, 'ended');
      assert.equal(o.endedBy, 'Ivan', 'the first end in entry order counts');
      assert.equal(o.endedAt, T0 + 3 * MINUTE);
    });

    test('an end written before its author saw the accept is void; a later one counts', () => {
      // Washington hung up at +20 s without having seen the accept (written at +10 s).
      const blindEnd = entry(W, 1, 'call.end', { call: ref(request), by: 'duty' }, { time: T0 + 20 * SECOND });
      assert.equal(decided([request, accept, blindEnd]).status, 'accepted');
      const seeingEnd = entry(W, 2, 'call.end', { call: ref(request), by: 'duty' }, { time: T0 + 2 * MINUTE, saw: [accept] });
      const o = decided([request, accept, blindEnd, seeingEnd]);
      assert.equal(o.status, 'ended');
      assert.equal(o.endedAt, T0 + 2 * MINUTE);
    });

    test('an end with a clock behind the accept still ends no earlier than the call started', () => {
      const skewed = entry(W, 1, 'call.end', { call: ref(request), by: 'duty' }, { time: T0 + 5 * SECOND, saw: [accept] });
      const o = decided([request, accept, skewed]);
      assert.equal(o.status, 'ended');
      assert.equal(o.endedAt, T0 + 10 * SECOND);
    });

    test("a third party's end is ignored", () => {
      const accept3 = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 10 * SECOND, saw: [request] });
      const endP = entry(P, 0, 'call.end', { call: ref(request), by: 'Jeanne' }, { time: T0 + MINUTE, saw: [request, accept3] });
      assert.equal(decided([request, accept3, endP], trio).status, 'accepted');
    });
  });

  test('request → decline, with the reason', () => {
    const decline = entry(M, 0, 'call.decline', { call: ref(request), by: 'Ivan', reason: 'in a meeting' }, { time: T0 + 5 * SECOND, saw: [request] });
    const o = decided([request, decline]);
    assert.equal(o.status, 'declined');
    assert.equal(o.answer?.reason, 'in a meeting');
    assert.equal(o.answer?.by, 'Ivan');
    assert.deepEqual(o.participants, [{ party: W, name: 'duty' }]);
    assert.equal(o.startedAt, undefined);
  });

  test('request → unanswered at ringUntil', () => {
    const unanswered = entry(W, 1, 'call.unanswered', { call: ref(request) }, { time: T0 + RING });
    const o = decided([request, unanswered]);
    assert.equal(o.status, 'unanswered');
    assert.equal(o.answer?.party, W);
  });

  test('request → cancel by the caller', () => {
    const cancel = entry(W, 1, 'call.cancel', { call: ref(request), by: 'duty' }, { time: T0 + 20 * SECOND });
    const o = decided([request, cancel]);
    assert.equal(o.status, 'cancelled');
    assert.equal(o.answer?.by, 'duty');
  });

  describe('answers that cross', () => {
    const unanswered = entry(W, 1, 'call.unanswered', { call: ref(request) }, { time: T0 + RING });

    test('accept concurrent with unanswered, unanswered earlier: unanswered', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING + 1, saw: [request] });
      assert.equal(decided([request, unanswered, accept]).status, 'unanswered');
    });

    test('accept concurrent with unanswered, accept earlier: accepted (and the unanswered is not void, just later)', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING - 1, saw: [request] });
      const o = decided([request, unanswered, accept]);
      assert.equal(o.status, 'accepted');
      assert.equal(o.answer?.id, idOf(accept));
    });

    test('accept concurrent with unanswered at the same instant: the party name breaks the tie (Moscow < Washington)', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING, saw: [request] });
      assert.equal(decided([request, unanswered, accept]).status, 'accepted');
      // Reversed roles: Moscow calls Washington; now the caller's unanswered wins the tie.
      const req = entry(M, 0, 'call.request', { from: 'duty', toParty: W, ringUntil: T0 + RING }, { time: T0 });
      const un = entry(M, 1, 'call.unanswered', { call: ref(req) }, { time: T0 + RING });
      const acc = entry(W, 0, 'call.accept', { call: ref(req), by: 'Alice' }, { time: T0 + RING, saw: [req] });
      assert.equal(decided([req, un, acc]).status, 'unanswered');
    });

    test('an accept written after its author saw the unanswered is void, even with an earlier clock', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING - 30 * SECOND, saw: [unanswered] });
      const o = decided([request, unanswered, accept]);
      assert.equal(o.status, 'unanswered');
      assert.equal(o.answer?.id, idOf(unanswered));
    });

    test('an unanswered written after the caller saw the accept is void', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING + 5 * SECOND, saw: [request] });
      const lateUn = entry(W, 1, 'call.unanswered', { call: ref(request) }, { time: T0 + RING + 10 * SECOND, saw: [accept] });
      assert.equal(decided([request, accept, lateUn]).status, 'accepted');
    });

    test('a cancel concurrent with a later accept wins; a decline after the callee\'s own accept is void', () => {
      const cancel = entry(W, 1, 'call.cancel', { call: ref(request), by: 'duty' }, { time: T0 + 10 * SECOND });
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 11 * SECOND, saw: [request] });
      assert.equal(decided([request, cancel, accept]).status, 'cancelled');
      const accept2 = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 10 * SECOND, saw: [request] });
      const decline = entry(M, 1, 'call.decline', { call: ref(request), by: 'Ivan', reason: 'changed my mind' }, { time: T0 + 5 * SECOND });
      assert.equal(decided([request, accept2, decline]).status, 'accepted');
    });

    test('an accept and an end written blind to a crossing unanswered: unanswered, and the end changes nothing', () => {
      const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + RING + 2 * SECOND, saw: [request] });
      const endM = entry(M, 1, 'call.end', { call: ref(request), by: 'Ivan' }, { time: T0 + 2 * MINUTE });
      const o = decided([request, unanswered, accept, endM]);
      assert.equal(o.status, 'unanswered');
      assert.equal(o.endedAt, undefined);
    });
  });

  describe('answers by the wrong party are ignored', () => {
    test('the caller accepting or declining its own call', () => {
      const selfAccept = entry(W, 1, 'call.accept', { call: ref(request), by: 'duty' }, { time: T0 + SECOND });
      const selfDecline = entry(W, 2, 'call.decline', { call: ref(request), by: 'duty' }, { time: T0 + 2 * SECOND });
      const states = assertOrderFree(line, [request, selfAccept, selfDecline], view);
      const s = states.get(M)!;
      assert.equal(outcome(s).status, 'ringing');
      assert.deepEqual(s.calls.get(idOf(request))!.answers, []);
      assert.equal(s.malformed, 0);
    });

    test('the callee writing unanswered or cancel', () => {
      const un = entry(M, 0, 'call.unanswered', { call: ref(request) }, { time: T0 + SECOND, saw: [request] });
      const cancel = entry(M, 1, 'call.cancel', { call: ref(request), by: 'Ivan' }, { time: T0 + 2 * SECOND });
      assert.equal(decided([request, un, cancel]).status, 'ringing');
    });

    test('a third party accepting a call between two others', () => {
      const acceptP = entry(P, 0, 'call.accept', { call: ref(request), by: 'Jeanne' }, { time: T0 + SECOND, saw: [request] });
      const acceptM = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 2 * SECOND, saw: [request] });
      assert.equal(decided([request, acceptP], trio).status, 'ringing');
      const o = decided([request, acceptP, acceptM], trio);
      assert.equal(o.status, 'accepted');
      assert.deepEqual(o.participants, [{ party: W, name: 'duty' }, { party: M, name: 'Ivan' }]);
    });
  });

  test('a request to its own party or to a party not on the line is malformed; its answers wait for ever', () => {
    const toSelf = entry(W, 0, 'call.request', { from: 'duty', toParty: W, ringUntil: T0 + RING });
    const toStranger = entry(W, 1, 'call.request', { from: 'duty', toParty: 'Beijing', ringUntil: T0 + RING });
    const accept = entry(M, 0, 'call.accept', { call: ref(toSelf), by: 'Ivan' }, { saw: [toStranger] });
    const states = assertOrderFree(line, [toSelf, toStranger, accept], view, { complete: false });
    const s = states.get(M)!;
    assert.equal(s.calls.size, 0);
    assert.equal(s.malformed, 2);
    assert.deepEqual([...s.waiting.keys()], [idOf(toSelf)]);
  });

  test('an answer held before its request waits for it', () => {
    const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 10 * SECOND, saw: [request] });
    const s = foldAll(line, W, [accept]);
    assert.equal(s.calls.size, 0);
    assert.deepEqual([...s.waiting.keys()], [idOf(request)]);
  });
});

describe('readouts', () => {
  const accept = entry(M, 0, 'call.accept', { call: ref(request), by: 'Ivan' }, { time: T0 + 10 * SECOND, saw: [request] });
  const end = entry(W, 1, 'call.end', { call: ref(request), by: 'duty' }, { time: T0 + 5 * MINUTE, saw: [accept] });
  const w1 = entry(W, 2, 'readout', { call: ref(request), text: 'We discussed the exercise.', lang: 'en', public: true, by: 'duty' }, { time: T0 + 10 * MINUTE, saw: [accept] });
  const m1 = entry(M, 1, 'readout', { call: ref(request), text: 'Обсудили учения.', lang: 'ru', public: false, by: 'Ivan' }, { time: T0 + 12 * MINUTE, saw: [request] });
  const w2 = entry(W, 3, 'readout', { call: ref(request), text: 'We discussed the exercise and agreed to talk again.', lang: 'en', public: true, by: 'duty' }, { time: T0 + 15 * MINUTE, saw: [m1] });

  test("each party's versions, in order, beside the other's", () => {
    const states = assertOrderFree(line, [request, accept, end, w1, m1, w2], view);
    const list = states.get(M)!.readouts.get(idOf(request))!;
    const byParty = (party: string) => list.filter((r) => r.party === party).map((r) => r.text);
    assert.deepEqual(byParty(W), ['We discussed the exercise.', 'We discussed the exercise and agreed to talk again.']);
    assert.deepEqual(byParty(M), ['Обсудили учения.']);
    assert.deepEqual(list.map((r) => r.public), [true, false, true]);
    assert.ok(list.every((r) => r.call === idOf(request)));
  });

  test('on a discreet line no readout is public, whatever the entry says', () => {
    const discreet = makeLine([W, M], { discreet: true });
    const states = assertOrderFree(discreet, [request, accept, w1, m1, w2], view);
    for (const s of states.values()) assert.deepEqual(s.readouts.get(idOf(request))!.map((r) => r.public), [false, false, false]);
  });

  test("a third party's readout of someone else's call is ignored", () => {
    const rP = entry(P, 0, 'readout', { call: ref(request), text: 'We heard.', public: true, by: 'Jeanne' }, { time: T0 + MINUTE, saw: [request] });
    const states = assertOrderFree(trio, [request, rP, w1], view, { complete: true });
    assert.deepEqual(states.get(P)!.readouts.get(idOf(request))!.map((r) => r.party), [W]);
  });
});

describe('many calls on a three-party line, order-free under fast-check', () => {
  test('interleaved requests, crossing answers, ends and readouts', () => {
    const r1 = request;
    const r2 = entry(M, 0, 'call.request', { from: 'duty', toParty: P, ringUntil: T0 + RING }, { time: T0 + SECOND });
    const r3 = entry(P, 0, 'call.request', { from: 'duty', toParty: W, ringUntil: T0 + 2 * MINUTE + RING }, { time: T0 + 2 * MINUTE });
    const a1 = entry(M, 1, 'call.accept', { call: ref(r1), by: 'Ivan' }, { time: T0 + RING, saw: [r1] });
    const u1 = entry(W, 1, 'call.unanswered', { call: ref(r1) }, { time: T0 + RING });
    const d2 = entry(P, 1, 'call.decline', { call: ref(r2), by: 'Jeanne', reason: 'busy' }, { time: T0 + 20 * SECOND, saw: [r2] });
    const c2 = entry(M, 2, 'call.cancel', { call: ref(r2), by: 'duty' }, { time: T0 + 21 * SECOND });
    const a3 = entry(W, 2, 'call.accept', { call: ref(r3), by: 'Alice' }, { time: T0 + 2 * MINUTE + 5 * SECOND, saw: [r3] });
    const e3a = entry(P, 2, 'call.end', { call: ref(r3), by: 'duty' }, { time: T0 + 2 * MINUTE + 3 * SECOND });
    const e3b = entry(W, 3, 'call.end', { call: ref(r3), by: 'Alice' }, { time: T0 + 9 * MINUTE });
    const ro3 = entry(P, 3, 'readout', { call: ref(r3), text: 'Spoke with Washington.', public: true, by: 'duty' }, { time: T0 + 10 * MINUTE, saw: [e3b] });
    const ro1 = entry(M, 3, 'readout', { call: ref(r1), text: 'Tried to answer.', public: false, by: 'Ivan' }, { time: T0 + 11 * MINUTE, saw: [u1] });
    const states = assertOrderFree(trio, [r1, r2, r3, a1, u1, d2, c2, a3, e3a, e3b, ro3, ro1], view, { runs: 300 });
    const s = states.get(P)!;
    // a1 and u1 tie on time; Moscow < Washington, so the accept wins.
    assert.equal(outcome(s, r1).status, 'accepted');
    assert.equal(outcome(s, r2).status, 'declined', 'the decline is earlier than the concurrent cancel');
    const o3 = outcome(s, r3);
    assert.equal(o3.status, 'ended', 'the caller\'s blind end is void; the callee\'s own end counts');
    assert.equal(o3.endedBy, 'Alice');
  });
});
