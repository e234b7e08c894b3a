import { Type, type Static } from '@sinclair/typebox';
import { alarmKinds } from '../core/alarm/alarm.ts';
import { precedences } from '../core/kinds/precedence.ts';
import { Nullable, Time, Words } from './words.ts';

export { alarmKinds, type AlarmKind } from '../core/alarm/alarm.ts';

/** Where the console shows an alarm's item: a line's tab. */
export const alarmTabs = ['transcript', 'calls', 'notices', 'history', 'audit'] as const;

/** Who acknowledged an alarm, and when. */
export const AlarmAck = Type.Object({ by: Type.String({ description: 'the member who acknowledged it' }), at: Time() });

/** How an alarm's cause went away without anyone acknowledging the alarm itself. */
export const AlarmClear = Type.Object({
  at: Time(),
  why: Type.String({ description: 'acknowledged (on the line), answered, declined, cancelled, unanswered, up' }),
  by: Nullable(Type.String({ description: 'who did it, where a person did' })),
});

/**
 * An alarm as every duty officer of the station sees it: state on the
 * station (it survives a reload and is the same on every console), named in
 * people's words (`words`: the line's title, the party, the sender, the
 * text), never by internal references. `sounding` is the station's verdict:
 * neither acknowledged nor cleared.
 */
export const AlarmView = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  kind: Words(alarmKinds),
  line: Nullable(Type.String({ description: 'the line it is about (null: about the station or a link)' })),
  raisedAt: Time(),
  precedence: Nullable(Words(precedences)),
  item: Nullable(Type.String({ description: 'the entry it is about, "Party:seq" (for links, not for people)' })),
  place: Nullable(Type.Object({ line: Type.String(), tab: Words(alarmTabs) }, { description: 'where the console shows the item' })),
  words: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'the parts of the sentence: line title, party, sender, time, text, level, status…' }),
  acknowledged: Nullable(AlarmAck),
  cleared: Nullable(AlarmClear),
  sounding: Type.Boolean({ description: 'open: neither acknowledged nor cleared' }),
  exercise: Type.Boolean({ description: 'about exercise traffic (an EXERCISE FLASH, an exercise call)' }),
});
export type AlarmView = Static<typeof AlarmView>;

export const AlarmList = Type.Object({
  alarms: Type.Array(AlarmView, { description: 'newest first' }),
  sounding: Type.Integer({ description: 'how many of the member\'s alarms are open' }),
});
export type AlarmList = Static<typeof AlarmList>;

export const AlarmQuery = Type.Object({
  open: Type.Optional(Type.Boolean({ description: 'only the open ones' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  hours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 366, description: 'only those raised this many hours back or later' })),
});
export type AlarmQuery = Static<typeof AlarmQuery>;

export const AlarmParams = Type.Object({ alarm: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'the alarm\'s id' }) });
export type AlarmParams = Static<typeof AlarmParams>;
