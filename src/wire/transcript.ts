import { Type, type Static } from '@sinclair/typebox';
import { EntryView } from './entry.ts';
import { Nullable } from './words.ts';

/** An entry of the transcript with the parties whose stations have cosigned past it. */
export const TranscriptItem = Type.Object({
  ...EntryView.properties,
  deliveredTo: Type.Array(Type.String(), { description: 'other parties whose stations hold it' }),
});
export type TranscriptItem = Static<typeof TranscriptItem>;

/** Every party's entries in causal order, a page at a time. */
export const TranscriptPage = Type.Object({
  items: Type.Array(TranscriptItem),
  total: Type.Integer(),
  pending: Type.Integer({ description: 'entries held whose causes have not arrived yet' }),
  next: Nullable(Type.Integer({ description: 'the start of the next page' })),
});
export type TranscriptPage = Static<typeof TranscriptPage>;
