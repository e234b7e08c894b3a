import { Type, type Static } from '@sinclair/typebox';
import { EntryId, Time } from './words.ts';

/** What a write answers with, once the entry is on disk at this station. */
export const Appended = Type.Object({
  id: EntryId,
  party: Type.String(),
  seq: Type.Integer(),
  time: Time('the entry\'s author time'),
  leafHash: Type.String({ description: 'base64 RFC 6962 leaf hash' }),
}, { description: 'The entry written, once it is on disk' });
export type Appended = Static<typeof Appended>;
