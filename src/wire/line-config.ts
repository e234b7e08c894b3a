import { Type, type Static } from '@sinclair/typebox';
import { LineSettings } from '../core/kinds/settings.ts';
import { PrecedenceWord } from './message.ts';
import { Appended } from './appended.ts';
import { Nullable, Time } from './words.ts';

export { LineSettings };

/** This party's settings, and every party's latest with the time it was set. */
export const LineSettingsView = Type.Object({
  ours: LineSettings,
  parties: Type.Record(Type.String(), Type.Object({ ...LineSettings.properties, time: Time() })),
});
export type LineSettingsView = Static<typeof LineSettingsView>;

/** The settings entry written, and the settings now in force. */
export const SettingsChanged = Type.Object({ ...Appended.properties, settings: LineSettings });
export type SettingsChanged = Static<typeof SettingsChanged>;

export const TemplateView = Type.Object({
  number: Type.Integer(),
  title: Nullable(Type.String()),
  texts: Type.Record(Type.String(), Type.String(), { description: 'text per language tag' }),
  precedence: Nullable(PrecedenceWord),
  definedBy: Type.String(),
  time: Time(),
});
export type TemplateView = Static<typeof TemplateView>;
export const TemplateList = Type.Object({ templates: Type.Array(TemplateView) });
export type TemplateList = Static<typeof TemplateList>;

/** The watch roster: who is alerted, in order, when a deadline passes. */
export const Roster = Type.Object({ members: Type.Array(Type.String()) });
export type Roster = Static<typeof Roster>;
