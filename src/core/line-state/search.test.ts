import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entry, foldAll, idOf, makeLine, ref, M, SECOND, T0, W } from './scenario.test-support.ts';
import { searchLine } from './search.ts';

const line = makeLine();
const flash = entry(M, 0, 'message', { text: 'Launch detected over the Black Sea', from: 'ivan', precedence: 'FLASH', ackBy: T0 + 300 * SECOND });
const routine = entry(M, 1, 'message', { text: 'Weather in Kyiv: clear', from: 'ivan', precedence: 'ROUTINE' }, { time: T0 + SECOND });
const drill = entry(W, 0, 'message', { text: 'Drill over the BLACK SEA', from: 'duty', precedence: 'FLASH', exercise: true }, { time: T0 + 2 * SECOND });
const translation = entry(W, 1, 'translation', { ref: ref(routine), text: 'Погода в Києві: ясно', lang: 'uk', stage: 'sight', translator: 'olena' }, { time: T0 + 3 * SECOND, saw: [routine] });
const call = entry(W, 2, 'call.request', { from: 'duty', toParty: M, ringUntil: T0 + 60 * SECOND }, { time: T0 + 4 * SECOND });
const decline = entry(M, 2, 'call.decline', { call: ref(call), by: 'ivan', reason: 'Minister travelling' }, { time: T0 + 5 * SECOND, saw: [call] });
const all = [flash, routine, drill, translation, call, decline];
const s = foldAll(line, W, all);
const ids = (q: Parameters<typeof searchLine>[1]) => searchLine(s, q, T0 + 10 * SECOND).map((x) => x.id);

test('every word must appear, in any case and Unicode form, newest first', () => {
  assert.deepEqual(ids({ q: 'black sea' }), [idOf(drill), idOf(flash)]);
  assert.deepEqual(ids({ q: 'ＢＬＡＣＫ launch' }), [idOf(flash)], 'full-width letters fold (NFKC)');
  assert.deepEqual(ids({ q: 'Києві' }), [idOf(routine)], 'translations are searched');
  assert.deepEqual(ids({ q: 'travelling' }), [idOf(call)], 'a decline\'s reason finds its call');
  assert.deepEqual(ids({ q: 'nothing like this' }), []);
});

test('filters: waiting for us, precedence, kind, exercise', () => {
  assert.deepEqual(ids({ waitingForUs: true }), [idOf(routine), idOf(flash)]);
  assert.deepEqual(ids({ precedence: 'FLASH' }), [idOf(drill), idOf(flash)]);
  assert.deepEqual(ids({ precedence: 'FLASH', exercise: 'exclude' }), [idOf(flash)]);
  assert.deepEqual(ids({ exercise: 'only' }), [idOf(drill)]);
  assert.deepEqual(ids({ kind: 'call' }), [idOf(call)]);
  assert.deepEqual(ids({ kind: 'message', q: 'kyiv', waitingForUs: true }), [idOf(routine)]);
});
