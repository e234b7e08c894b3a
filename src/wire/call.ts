import { Type, type Static } from '@sinclair/typebox';
import { callStatuses } from './call-status.ts';
import { EntryId, Nullable, Time, Words } from './words.ts';

export { callStatuses, type CallStatus } from './call-status.ts';
export const callAnswerKinds = ['accept', 'decline', 'unanswered', 'cancel'] as const;
export const signalKinds = ['offer', 'answer', 'ice', 'bye'] as const;

export const CallAnswerView = Type.Object({
  kind: Words(callAnswerKinds), by: Nullable(Type.String()), time: Time(), reason: Nullable(Type.String()), id: EntryId,
});

/** A call with the outcome every station agrees on. */
export const CallView = Type.Object({
  id: EntryId,
  party: Type.String({ description: 'the caller\'s party' }),
  seq: Type.Integer(),
  time: Time(),
  from: Type.String(),
  toParty: Type.String(),
  to: Nullable(Type.String({ description: 'the principal asked for, if any' })),
  ringUntil: Time(),
  status: Words(callStatuses),
  answer: Nullable(CallAnswerView),
  startedAt: Nullable(Time()),
  endedAt: Nullable(Time()),
  endedBy: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  participants: Type.Array(Type.Object({ party: Type.String(), name: Type.String() })),
  fingerprints: Type.Object({ caller: Nullable(Type.String()), callee: Nullable(Type.String()) }, { description: 'both consoles\' DTLS fingerprints, as their stations signed them' }),
  exercise: Type.Boolean({ description: 'exercise traffic, not real: shown as EXERCISE, counted apart in the contact history' }),
});
export type CallView = Static<typeof CallView>;

export const CallList = Type.Object({ calls: Type.Array(CallView) });
export type CallList = Static<typeof CallList>;

export const SignalView = Type.Object({ kind: Words(signalKinds), data: Type.String(), from: Type.String(), time: Time() });
export type SignalView = Static<typeof SignalView>;
export const SignalList = Type.Object({ signals: Type.Array(SignalView) });
export type SignalList = Static<typeof SignalList>;
export const SignalSent = Type.Object({ sent: Type.Boolean() });
export type SignalSent = Static<typeof SignalSent>;
