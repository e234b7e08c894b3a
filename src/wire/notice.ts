import { Type, type Static } from '@sinclair/typebox';
import { noticeKinds } from '../core/kinds/notice.ts';
import { NoticeArea } from '../core/notice-area/area.ts';
import { EntryId, Nullable, Time, Words } from './words.ts';

export { noticeKinds };
export const NoticeKindWord = Words(noticeKinds);

/** A deconfliction notice with who acknowledged it and which other party's notices it overlaps. */
export const NoticeView = Type.Object({
  id: EntryId,
  party: Type.String(),
  seq: Type.Integer(),
  time: Time(),
  from: Type.String(),
  kind: NoticeKindWord,
  area: NoticeArea,
  altitude: Type.Object({ lower: Type.Number(), upper: Type.Number() }, { description: 'metres above mean sea level, closed' }),
  window: Type.Object({ start: Time(), end: Time() }, { description: '[start, end)' }),
  text: Type.String(),
  lang: Nullable(Type.String()),
  acks: Type.Array(Type.Object({ party: Type.String(), by: Type.String(), time: Time() })),
  waitingFor: Type.Array(Type.String()),
  withdrawn: Nullable(Type.Object({ by: Type.String(), time: Time(), reason: Nullable(Type.String()) })),
  conflictsWith: Type.Array(EntryId),
  exercise: Type.Boolean({ description: 'exercise traffic, not real: shown as EXERCISE, counted apart in the contact history' }),
});
export type NoticeView = Static<typeof NoticeView>;

/** Two parties' notices that overlap in area, altitude and time, and who recorded it. */
export const ConflictView = Type.Object({
  id: Type.String({ description: 'the two notice ids, sorted, joined by |' }),
  notices: Type.Array(EntryId, { minItems: 2, maxItems: 2 }),
  active: Type.Boolean({ description: 'false once either notice is withdrawn' }),
  recordedBy: Type.Array(Type.String()),
  records: Type.Array(Type.Object({ id: EntryId, party: Type.String(), time: Time() })),
});
export type ConflictView = Static<typeof ConflictView>;

export const NoticeList = Type.Object({ notices: Type.Array(NoticeView), conflicts: Type.Array(ConflictView) });
export type NoticeList = Static<typeof NoticeList>;
export const ConflictList = Type.Object({ conflicts: Type.Array(ConflictView) });
export type ConflictList = Static<typeof ConflictList>;
