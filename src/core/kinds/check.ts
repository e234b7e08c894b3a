import { Type, type Static } from '@sinclair/typebox';
import { EntryRef } from './ref.ts';

export const CHECK_KIND = 'check';
export const CHECK_MISSED = 'check.missed';

/** A scheduled check call: a person on the other side must acknowledge it by `ackBy`. */
export const CheckEntryBody = Type.Object(
  {
    /** The scheduled local time, e.g. 2026-11-23T09:00+01:00. */
    slot: Type.String({ maxLength: 40 }),
    /** The slot as an instant (ms since the epoch). */
    at: Type.Integer({ minimum: 0 }),
    ackBy: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type CheckEntryBody = Static<typeof CheckEntryBody>;

export const linkStates = ['up', 'degraded', 'down', 'unknown'] as const;

/**
 * The sender records a check nobody answered in time, with what the machine
 * heartbeats said of the link then: "down" means the line failed, "up" means
 * nobody answered.
 */
export const CheckMissedEntryBody = Type.Object(
  {
    check: EntryRef,
    link: Type.Record(Type.String(), Type.Union(linkStates.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false },
);
export type CheckMissedEntryBody = Static<typeof CheckMissedEntryBody>;
