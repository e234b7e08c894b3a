import { Type, type Static } from '@sinclair/typebox';
import { PersonName } from './ref.ts';

export const PRESENCE_KIND = 'presence';

/** Where a person is, as their own station says: at the terminal, reachable (by phone, within minutes), or away. */
export const presenceStatuses = ['terminal', 'reachable', 'away'] as const;
export type PresenceStatus = (typeof presenceStatuses)[number];
export const PresenceStatusSchema = Type.Union(presenceStatuses.map((s) => Type.Literal(s)));

/**
 * A party tells the line where one of its principals is, when it chose to
 * share their presence on this line (its settings: sharePresence): so that a
 * caller sees "reachable" before calling. The newest entry about a person counts.
 */
export const PresenceEntryBody = Type.Object(
  { name: PersonName, status: PresenceStatusSchema, delegate: Type.Optional(PersonName) },
  { additionalProperties: false },
);
export type PresenceEntryBody = Static<typeof PresenceEntryBody>;
