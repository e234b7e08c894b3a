import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entry, foldAll, idOf, makeLine, ref, M, SECOND, T0, W } from '../line-state/scenario.test-support.ts';
import { alarmKey } from './alarm.ts';
import { lineAlarms } from './line-alarms.ts';

const line = makeLine();

test('a FLASH or IMMEDIATE from another party raises an alarm; PRIORITY and ROUTINE, and our own, do not', () => {
  const flash = entry(M, 0, 'message', { text: 'Launch detected', from: 'ivan', precedence: 'FLASH', ackBy: T0 + 300 * SECOND });
  const immediate = entry(M, 1, 'message', { text: 'Track update', from: 'ivan', precedence: 'IMMEDIATE' });
  const routine = entry(M, 2, 'message', { text: 'Weather', from: 'ivan', precedence: 'ROUTINE' });
  const ours = entry(W, 0, 'message', { text: 'Ours', from: 'duty', precedence: 'FLASH' });
  const all = [flash, immediate, routine, ours];
  const changes = lineAlarms(foldAll(line, W, all), all);
  assert.deepEqual(changes.map((c) => [c.type, c.type === 'raise' ? c.kind : '', c.key]), [
    ['raise', 'flash', alarmKey.message(line.id, idOf(flash))],
    ['raise', 'immediate', alarmKey.message(line.id, idOf(immediate))],
  ]);
  const raise = changes[0];
  assert.ok(raise.type === 'raise');
  assert.deepEqual([raise.party, raise.precedence, raise.item, raise.at], [M, 'FLASH', idOf(flash), T0]);
});

test('our acknowledgement clears the FLASH alarm and its escalations; the sender\'s overdue alarm clears when all have acknowledged', () => {
  const flash = entry(M, 0, 'message', { text: 'Launch detected', from: 'ivan', precedence: 'FLASH', ackBy: T0 + 10 * SECOND });
  const escalation = entry(W, 0, 'escalation', { ref: ref(flash), level: 1, notify: 'chief' }, { time: T0 + 11 * SECOND, saw: [flash] });
  const ack = entry(W, 1, 'ack', { ref: ref(flash), by: 'chief' }, { time: T0 + 20 * SECOND, saw: [flash] });
  const atWashington = foldAll(line, W, [flash, escalation, ack]);
  assert.deepEqual(lineAlarms(atWashington, [ack]), [
    { type: 'clear', key: alarmKey.message(line.id, idOf(flash)), at: T0 + 20 * SECOND, why: 'acknowledged', by: 'chief' },
    { type: 'clear', key: alarmKey.deadline(line.id, idOf(flash), 1), at: T0 + 20 * SECOND, why: 'acknowledged', by: 'chief' },
  ]);
  // At Moscow, the sender: the late acknowledgement settles its overdue alarm.
  const atMoscow = foldAll(line, M, [flash, escalation, ack]);
  assert.deepEqual(lineAlarms(atMoscow, [ack]), [{ type: 'clear', key: alarmKey.overdue(line.id, idOf(flash)), at: T0 + 20 * SECOND, why: 'acknowledged' }]);
  // A ROUTINE acknowledged in time clears nothing: no write for the common case.
  const routine = entry(M, 1, 'message', { text: 'Weather', from: 'ivan', precedence: 'ROUTINE', ackBy: T0 + 3600 * SECOND });
  const ackRoutine = entry(W, 2, 'ack', { ref: ref(routine), by: 'duty' }, { time: T0 + 30 * SECOND, saw: [routine] });
  assert.deepEqual(lineAlarms(foldAll(line, W, [routine, ackRoutine]), [ackRoutine]), []);
});

test('a FLASH folded after our acknowledgement is raised already cleared (a re-fetch after a recovery)', () => {
  const flash = entry(M, 0, 'message', { text: 'Launch detected', from: 'ivan', precedence: 'FLASH' });
  const ack = entry(W, 0, 'ack', { ref: ref(flash), by: 'duty' }, { time: T0 + SECOND, saw: [flash] });
  const changes = lineAlarms(foldAll(line, W, [ack, flash]), [flash]);
  assert.deepEqual(changes.map((c) => c.type), ['raise', 'clear']);
});

test('a call ringing for us raises an alarm; an answer clears it, and an unanswered call leaves a missed-call alarm', () => {
  const call = entry(M, 0, 'call.request', { from: 'ivan', toParty: W, ringUntil: T0 + 30 * SECOND });
  const ringing = lineAlarms(foldAll(line, W, [call]), [call]);
  assert.deepEqual(ringing.map((c) => [c.type, c.key]), [['raise', alarmKey.call(line.id, idOf(call))]]);
  assert.equal(lineAlarms(foldAll(line, M, [call]), [call]).length, 0, 'the caller has no alarm');

  const accept = entry(W, 0, 'call.accept', { call: ref(call), by: 'duty' }, { time: T0 + 5 * SECOND, saw: [call] });
  assert.deepEqual(lineAlarms(foldAll(line, W, [call, accept]), [accept]), [{ type: 'clear', key: alarmKey.call(line.id, idOf(call)), at: T0 + 5 * SECOND, why: 'answered', by: 'duty' }]);

  const gaveUp = entry(M, 1, 'call.unanswered', { call: ref(call) }, { time: T0 + 30 * SECOND, saw: [call] });
  const missed = lineAlarms(foldAll(line, W, [call, gaveUp]), [gaveUp]);
  assert.deepEqual(missed.map((c) => [c.type, c.key]), [['clear', alarmKey.call(line.id, idOf(call))], ['raise', alarmKey.missedCall(line.id, idOf(call))]]);
});

test('the same entries give the same changes, whatever else was folded (keys are per cause)', () => {
  const flash = entry(M, 0, 'message', { text: 'Launch detected', from: 'ivan', precedence: 'FLASH' });
  const other = entry(M, 1, 'message', { text: 'Weather', from: 'ivan', precedence: 'ROUTINE' });
  assert.deepEqual(lineAlarms(foldAll(line, W, [flash]), [flash]), lineAlarms(foldAll(line, W, [other, flash]), [flash]));
});
