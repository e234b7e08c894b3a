import { Type, type Static } from '@sinclair/typebox';
import { EntryRef, PersonName } from './ref.ts';

export const ACK_KIND = 'ack';

/** A named person acknowledges a message, a notice or a check call of another party. */
export const AckEntryBody = Type.Object({ ref: EntryRef, by: PersonName }, { additionalProperties: false });
export type AckEntryBody = Static<typeof AckEntryBody>;
