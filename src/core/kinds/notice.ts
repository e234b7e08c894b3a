import { Type, type Static } from '@sinclair/typebox';
import { NoticeArea } from '../notice-area/area.ts';
import { LanguageTag } from './message.ts';
import { EntryRef, PersonName } from './ref.ts';
import { Text } from './text.ts';

export const NOTICE_KIND = 'notice';
export const NOTICE_WITHDRAW = 'notice.withdraw';
export const CONFLICT_KIND = 'conflict';

export const noticeKinds = ['flight_operations', 'exercise', 'missile_launch', 'naval_transit', 'airspace_closure', 'other'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** Metres above mean sea level; a closed band. */
export const AltitudeBand = Type.Object(
  { lower: Type.Number({ minimum: -12000, maximum: 1_000_000 }), upper: Type.Number({ minimum: -12000, maximum: 1_000_000 }) },
  { additionalProperties: false },
);

/** Milliseconds since the epoch, [start, end). */
export const TimeWindow = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

const NoticeKind = Type.Union(noticeKinds.map((k) => Type.Literal(k)));

/** What a member files. The station also checks the area's shape (checkArea) and the window's range (windowProblem). */
export const NoticeBody = Type.Object(
  {
    kind: NoticeKind,
    area: NoticeArea,
    altitude: AltitudeBand,
    window: Type.Object(TimeWindow.properties, {
      additionalProperties: false,
      description: 'milliseconds since the epoch, [start, end); both between 2000-01-01 and 2100-01-01',
    }),
    text: Text({ maxLength: 8000 }),
    lang: Type.Optional(LanguageTag),
    exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })),
  },
  { additionalProperties: false },
);
export type NoticeBody = Static<typeof NoticeBody>;

// As signed: the fold keeps the rules entries were written under, so stations
// of different versions derive the same state from the same entries.
export const NoticeEntryBody = Type.Object(
  { kind: NoticeKind, area: NoticeArea, altitude: AltitudeBand, window: TimeWindow, text: Type.String({ maxLength: 8000 }), lang: Type.Optional(LanguageTag), from: PersonName, exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })) },
  { additionalProperties: false },
);
export type NoticeEntryBody = Static<typeof NoticeEntryBody>;

export const NoticeWithdrawEntryBody = Type.Object(
  { notice: EntryRef, by: PersonName, reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

/** A station's record that two parties' notices overlap in area, altitude and time. */
export const ConflictEntryBody = Type.Object(
  { notices: Type.Array(EntryRef, { minItems: 2, maxItems: 2 }) },
  { additionalProperties: false },
);
export type ConflictEntryBody = Static<typeof ConflictEntryBody>;

/** Why a notice is not acceptable, beyond its schema; null when it is. */
export function checkNotice(n: NoticeBody): string | null {
  if (n.altitude.lower > n.altitude.upper) return 'altitude.lower is above altitude.upper';
  if (n.window.end <= n.window.start) return 'window.end must be after window.start';
  return null;
}
