import { Type, type Static } from '@sinclair/typebox';
import { precedences } from '../core/kinds/precedence.ts';
import { callStatuses } from './call.ts';
import { LinkStateWord } from './link-status.ts';
import { LinkStatusWord } from './link-status.ts';
import { EntryId, Nullable, Time, Words } from './words.ts';

const counts = {
  attempts: Type.Integer(),
  accepted: Type.Integer({ description: 'accepted calls, ended or still going' }),
  declined: Type.Integer(),
  unanswered: Type.Integer(),
  cancelled: Type.Integer(),
  lastSpoke: Nullable(Time('when the last accepted call of the period started')),
};

const AckLatency = Type.Object({ count: Type.Integer(), medianMs: Nullable(Type.Number()) });

/** Contact history of a line over a period (src/core/line-state/history.ts). */
export const ContactHistory = Type.Object({
  line: Type.String(),
  from: Nullable(Time()),
  to: Nullable(Time()),
  calls: Type.Object(counts),
  pairs: Type.Array(Type.Object({
    caller: Type.Object({ party: Type.String(), name: Type.String() }),
    callee: Type.Object({ party: Type.String(), name: Nullable(Type.String()) }),
    ...counts,
    talkMs: Type.Integer(),
  })),
  ackMedianMs: Type.Object(Object.fromEntries(precedences.map((p) => [p, AckLatency])) as Record<(typeof precedences)[number], typeof AckLatency>),
  checks: Type.Object({
    sent: Type.Integer(), answered: Type.Integer(), late: Type.Integer(), missed: Type.Integer(),
    missedWhileLinkUp: Type.Integer(), missedWhileLinkDown: Type.Integer(),
  }),
  timeline: Type.Array(Type.Object({
    time: Time(), kind: Type.Literal('call'), call: EntryId, status: Words(callStatuses), from: Type.String(), to: Nullable(Type.String()),
    party: Type.String(), toParty: Type.String(), durationMs: Nullable(Type.Integer()), reason: Type.Optional(Type.String()),
    exercise: Type.Boolean({ description: 'an exercise call: marked, and left out of every count above' }),
  })),
  exercise: Type.Object({ messages: Type.Integer(), calls: Type.Integer(), notices: Type.Integer() }, { description: 'exercise traffic of the period, counted apart' }),
});
export type ContactHistory = Static<typeof ContactHistory>;

/** A line at a glance. */
export const LineSummary = Type.Object({
  line: Type.String(),
  lamp: LinkStatusWord,
  links: Type.Record(Type.String(), LinkStateWord),
  lastContact: Nullable(Time()),
  unacknowledged: Type.Object({ incoming: Type.Integer(), incomingOverdue: Type.Integer(), outgoing: Type.Integer(), outgoingOverdue: Type.Integer() }),
  checksWaiting: Type.Integer(),
  ringing: Type.Array(EntryId),
  missedCalls: Type.Integer({ description: 'calls for this station that rang out unanswered in the last 24 hours' }),
  nextCheck: Nullable(Time()),
});
export type LineSummary = Static<typeof LineSummary>;
