import { Type, type Static } from '@sinclair/typebox';
import { CheckSchedule } from '../check-schedule/schedule.ts';
import { defaultDeadlines, Deadlines } from './precedence.ts';

export const SETTINGS_KIND = 'line.settings';

/**
 * One party's settings for a line: the deadlines it gives the other side on
 * the messages it sends, how long its calls ring, how fast a missed deadline
 * climbs its watch roster, and when it sends check calls. Recorded as an
 * entry, so "we gave them five minutes" is itself on the record.
 */
export const LineSettings = Type.Object(
  {
    deadlines: Deadlines,
    ringSeconds: Type.Integer({ minimum: 5, maximum: 600 }),
    escalationStepSeconds: Type.Integer({ minimum: 10, maximum: 24 * 3600 }),
    checks: Type.Union([CheckSchedule, Type.Null()]),
    /** Whether this party tells the line where its principals are (presence entries); absent: no. */
    sharePresence: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type LineSettings = Static<typeof LineSettings>;

export const defaultSettings: LineSettings = {
  deadlines: { ...defaultDeadlines },
  ringSeconds: 60,
  escalationStepSeconds: 300,
  checks: null,
};
