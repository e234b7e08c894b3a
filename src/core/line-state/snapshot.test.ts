import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Entry } from '../entry.ts';
import { foldEntry } from './fold.ts';
import { fromSnapshot, toSnapshot } from './snapshot.ts';
import { createLineState } from './state.ts';
import { HOUR, M, MINUTE, P, T0, W, entry, foldAll, history, idOf, makeLine, snapshotText, step } from './scenario.test-support.ts';

const view = { nows: [T0, T0 + HOUR + 3 * MINUTE, T0 + 10 * HOUR], roster: ['r1', 'r2'] };
/** Through JSON, as the store keeps it. */
const stored = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('line state snapshots', () => {
  for (const onLine of [[W, M], [W, M, P]]) {
    test(`${onLine.length} parties: snapshot at any point, resume with the rest (repeats included), equals one full fold`, () => {
      const l = makeLine(onLine);
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.nat({ max: onLine.length - 1 }), fc.nat(), fc.nat(), (steps, who, cut, again) => {
          const entries = history(steps, onLine);
          const me = onLine[who];
          const at = cut % (entries.length + 1);
          const before = foldAll(l, me, entries.slice(0, at));
          const resumed = fromSnapshot(l, me, stored(toSnapshot(before)));
          assert.ok(resumed, 'a snapshot of this line and station is accepted');
          // The resumed fold sees what came after, and some of what came before again (logs re-read from a stale size).
          const redo = entries.slice(Math.max(0, at - (again % (at + 1))));
          for (const e of redo) foldEntry(resumed, e);
          assert.equal(snapshotText(resumed, view), snapshotText(foldAll(l, me, entries), view));
        }),
        { numRuns: Number(process.env.FOLD_FUZZ_RUNS ?? 300) },
      );
    });
  }

  test('a snapshot stands only for its version, station and line shape', () => {
    const l = makeLine();
    const snap = stored(toSnapshot(foldAll(l, W, [entry(W, 0, 'message', { text: 'hi', from: 'duty' })]))) as Record<string, unknown>;
    assert.ok(fromSnapshot(l, W, snap));
    assert.equal(fromSnapshot(l, M, snap), undefined, 'another station');
    assert.equal(fromSnapshot(makeLine([W, M, P]), W, snap), undefined, 'another set of parties');
    assert.equal(fromSnapshot(makeLine([W, M], { discreet: true }), W, snap), undefined, 'discretion changed');
    assert.equal(fromSnapshot(l, W, { ...snap, v: 0 }), undefined, 'another version');
    assert.equal(fromSnapshot(l, W, null), undefined);
    assert.equal(fromSnapshot(l, W, 'junk'), undefined);
  });

  test('years of hourly line tests and their replies leave the state the same size', () => {
    const l = makeLine();
    const grow = (hours: number) => {
      const s = createLineState(l, W);
      const entries: Entry[] = [];
      for (let h = 0; h < hours; h++) {
        const t = entry(M, h, 'line.test', {}, { time: T0 + h * HOUR, seen: h ? { [W]: h } : {} });
        entries.push(t, entry(W, h, 'line.test.reply', { party: M, seq: h }, { time: T0 + h * HOUR + 1, seen: { [M]: h + 1 } }));
      }
      for (const e of entries) foldEntry(s, e);
      return s;
    };
    const small = grow(10);
    const large = grow(10_000);
    assert.equal(JSON.stringify(toSnapshot(large)).length, JSON.stringify(toSnapshot(small)).length + 2 * (String(10_000).length - String(10).length));
    assert.equal(large.answeredTests.size, 0);
    assert.equal(large.unansweredTests.size, 0);
    assert.equal(large.applied.size, 20_000);
    assert.ok(large.applied.has(idOf(entry(M, 9_999, 'line.test', {}))));
    assert.ok(!large.applied.has(idOf(entry(M, 10_000, 'line.test', {}))));
  });

  test('a reply folded before its test is remembered only until the test arrives', () => {
    const l = makeLine();
    const t = entry(M, 0, 'line.test', {});
    const reply = entry(W, 0, 'line.test.reply', { party: M, seq: 0 }, { saw: [t] });
    const s = foldAll(l, W, [reply]);
    assert.deepEqual([...s.answeredTests], [idOf(t)]);
    foldEntry(s, t);
    assert.equal(s.answeredTests.size, 0);
    assert.equal(s.unansweredTests.size, 0, 'the test counts as answered');
  });
});
