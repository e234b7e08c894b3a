import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Entry } from './entry.ts';
import { mergeTranscript } from './transcript.ts';

const entry = (party: string, seq: number, time: number, seen: Record<string, number> = {}): Entry => ({
  v: 1, line: 'l', party, seq, time, kind: 'message', body: {}, seen, sig: '',
});

test('an answer follows what it answers even when its clock is behind', () => {
  const a = [entry('A', 0, 100)];
  const b = [entry('B', 0, 50, { A: 1 })];
  const { items } = mergeTranscript(new Map([['A', a], ['B', b]]));
  assert.deepEqual(items.map((i) => i.entry.party), ['A', 'B']);
});

test('independent entries go by time, then party name', () => {
  const { items } = mergeTranscript(new Map([
    ['B', [entry('B', 0, 10), entry('B', 1, 30)]],
    ['A', [entry('A', 0, 20), entry('A', 1, 30)]],
  ]));
  assert.deepEqual(items.map((i) => `${i.entry.party}${i.seq}`), ['B0', 'A0', 'A1', 'B1']);
});

test('entries whose causes are missing are pending, not misplaced', () => {
  const { items, pending } = mergeTranscript(new Map([['A', [entry('A', 0, 1)]], ['B', [entry('B', 0, 2, { A: 2 })]]]));
  assert.equal(items.length, 1);
  assert.equal(pending, 1);
});

test('the merge is causal, complete and independent of the order logs are given in', () => {
  // Random histories: each new entry sees a random prefix-consistent view of the other logs.
  const history = fc.array(fc.record({ party: fc.constantFrom('A', 'B', 'C'), time: fc.nat(50), lag: fc.nat(3) }), { maxLength: 40 }).map((steps) => {
    const logs = new Map<string, Entry[]>([['A', []], ['B', []], ['C', []]]);
    const seenBy = new Map<string, Record<string, number>>([['A', {}], ['B', {}], ['C', {}]]);
    for (const s of steps) {
      const mine = logs.get(s.party)!;
      const seen = { ...seenBy.get(s.party)! };
      for (const [p, log] of logs) if (p !== s.party) seen[p] = Math.max(seen[p] ?? 0, Math.max(0, log.length - s.lag));
      seenBy.set(s.party, seen);
      mine.push(entry(s.party, mine.length, s.time, seen));
    }
    return logs;
  });
  fc.assert(fc.property(history, (logs) => {
    const forward = mergeTranscript(logs);
    const backward = mergeTranscript(new Map([...logs].reverse()));
    assert.equal(forward.pending, 0);
    assert.deepEqual(forward.items.map((i) => `${i.entry.party}${i.seq}`), backward.items.map((i) => `${i.entry.party}${i.seq}`));
    const position = new Map(forward.items.map((i, n) => [`${i.entry.party}${i.seq}`, n]));
    for (const [n, item] of forward.items.entries()) {
      for (const [p, size] of Object.entries(item.entry.seen)) if (size > 0) assert.ok(position.get(`${p}${size - 1}`)! < n);
      if (item.seq > 0) assert.ok(position.get(`${item.entry.party}${item.seq - 1}`)! < n);
    }
  }), { numRuns: 200 });
});
