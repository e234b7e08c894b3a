import { Type, type Static } from '@sinclair/typebox';
import { precedences } from '../core/kinds/precedence.ts';
import { AlarmView } from './alarm.ts';
import { LinkStateWord, LinkStatusWord } from './link-status.ts';
import { Nullable, Time, Words } from './words.ts';

/** How many items wait, and how many of them are past their deadline. */
export const Waiting = Type.Object({ count: Type.Integer(), overdue: Type.Integer() });

/** Per precedence, highest first; only the precedences that have something waiting. */
export const WaitingByPrecedence = Type.Array(Type.Object({ precedence: Words(precedences), ...Waiting.properties }));

export const BoardCall = Type.Object({
  status: Words(['ringing', 'accepted'] as const, { description: 'ringing, or in progress' }),
  incoming: Type.Boolean({ description: 'for this station' }),
  from: Type.String({ description: 'the caller' }),
  party: Type.String({ description: 'the caller\'s party' }),
  toParty: Type.String(),
  to: Nullable(Type.String({ description: 'the person answering (accepted), or the one asked for' })),
  since: Time('when it started ringing, or was answered'),
});
export type BoardCall = Static<typeof BoardCall>;

export const BoardParty = Type.Object({
  name: Type.String(),
  zone: Nullable(Type.String({ description: 'the party\'s local time zone, as its check-call schedule on this line names it' })),
  link: Nullable(LinkStateWord),
  nextCheck: Nullable(Time('the next check call this party sends on the line')),
});

/** One line on the status board: its lamp, each party's time, what waits on whom, calls, the next check calls. */
export const BoardLine = Type.Object({
  line: Type.String(),
  title: Type.String(),
  lamp: LinkStatusWord,
  parties: Type.Array(BoardParty, { description: 'this station first' }),
  lastContact: Nullable(Time()),
  waitingForUs: WaitingByPrecedence,
  /** Our messages that other parties have not acknowledged, per precedence; `parties` names who. */
  waitingForThem: Type.Array(Type.Object({ precedence: Words(precedences), ...Waiting.properties, parties: Type.Array(Type.String()) })),
  checksWaitingForUs: Type.Integer(),
  calls: Type.Array(BoardCall),
  missedCalls: Type.Integer({ description: 'calls for this station that rang out unanswered in the last 24 hours' }),
});
export type BoardLine = Static<typeof BoardLine>;

/** Everything the watch-floor status board shows, in one read (GET /v1/board). */
export const Board = Type.Object({
  station: Type.String(),
  now: Time('the station\'s clock, so the board\'s clock can be set by it'),
  lines: Type.Array(BoardLine),
  alarms: Type.Array(AlarmView, { description: 'the most recent, newest first' }),
});
export type Board = Static<typeof Board>;
