import { Type, type Static } from '@sinclair/typebox';
import { presenceStatuses } from '../core/kinds/presence.ts';
import { Nullable, Time, Words } from './words.ts';

export { presenceStatuses, type PresenceStatus } from '../core/kinds/presence.ts';

export const PresenceWord = Words(presenceStatuses, { description: 'terminal: at the terminal; reachable: by phone, within minutes; away' });

/** One member's presence as they set it; null where they have not. */
export const MemberPresence = Type.Object({
  name: Type.String(),
  role: Type.String(),
  status: Nullable(PresenceWord),
  delegate: Nullable(Type.String({ description: 'who acts in their place' })),
  at: Nullable(Time()),
});
export const PresenceList = Type.Object({ members: Type.Array(MemberPresence, { description: 'this station\'s principals and duty officers' }) });
export type PresenceList = Static<typeof PresenceList>;

export const PresenceChange = Type.Object({
  status: PresenceWord,
  delegate: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'a member of this station who acts in your place' }))),
}, { additionalProperties: false });
export type PresenceChange = Static<typeof PresenceChange>;

/** The presence a party shared on a line, for each of its people it told of. */
export const LinePresence = Type.Object({
  people: Type.Array(Type.Object({ party: Type.String(), name: Type.String(), status: PresenceWord, delegate: Nullable(Type.String()), time: Time() })),
  sharing: Type.Array(Type.String({ description: 'parties whose settings share their principals\' presence on the line' })),
});
export type LinePresence = Static<typeof LinePresence>;

export const WatchTurn = Type.Object({
  name: Type.String({ description: 'who held the watch' }),
  from: Time(),
  to: Nullable(Time('when they handed over; null while they hold it')),
  note: Type.String({ description: 'what the one before handed over: what was open' }),
  handedBy: Nullable(Type.String()),
});
export const WatchView = Type.Object({
  holder: Nullable(WatchTurn),
  turns: Type.Array(WatchTurn, { description: 'newest first' }),
});
export type WatchView = Static<typeof WatchView>;

export const Handover = Type.Object({
  to: Type.String({ minLength: 1, maxLength: 64, description: 'the principal or duty officer taking the watch' }),
  note: Type.String({ maxLength: 4000, description: 'what is open: waiting items, calls to return, check calls due' }),
}, { additionalProperties: false });
export type Handover = Static<typeof Handover>;
