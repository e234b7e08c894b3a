import { Type, type Static } from '@sinclair/typebox';
import { EntryRef, PersonName } from './ref.ts';

export const ESCALATION_KIND = 'escalation';

/**
 * The receiving station records that a message's deadline passed unanswered:
 * level 1 raises the alarm to the first person on the watch roster, each
 * later level the next one. The sender sees it replicated.
 */
export const EscalationEntryBody = Type.Object(
  { ref: EntryRef, level: Type.Integer({ minimum: 1, maximum: 50 }), notify: Type.Union([PersonName, Type.Null()]) },
  { additionalProperties: false },
);
export type EscalationEntryBody = Static<typeof EscalationEntryBody>;
