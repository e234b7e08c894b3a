import { Type, type Static } from '@sinclair/typebox';
import { precedences } from '../core/kinds/precedence.ts';
import { searchKinds } from '../core/line-state/search.ts';

export { searchKinds };
import { EntryView } from './entry.ts';
import { MessageView } from './message.ts';
import { Nullable, Words } from './words.ts';

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

/** A search of the line, or a filter of it (GET /v1/lines/{line}/search): every part optional, all of them must hold. */
export const TranscriptSearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'words to find, every one, in any case' })),
  waiting: Type.Optional(Type.Literal('us', { description: 'only what waits for this station\'s acknowledgement' })),
  precedence: Type.Optional(Words(precedences)),
  kind: Type.Optional(Words(searchKinds)),
  exercise: Type.Optional(Words(['include', 'exclude', 'only'] as const, { description: 'exercise traffic: with the rest (default), left out, or alone' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type TranscriptSearchQuery = Static<typeof TranscriptSearchQuery>;

/** What matched, newest first, as transcript items; the messages among them with their state, as the transcript shows them. */
export const TranscriptSearch = Type.Object({
  items: Type.Array(TranscriptItem),
  messages: Type.Array(MessageView),
  total: Type.Integer({ description: 'how many matched (items holds at most `limit`)' }),
});
export type TranscriptSearch = Static<typeof TranscriptSearch>;

/** How far a member has read a line: the transcript position after the last item read. */
export const ReadMark = Type.Object({
  upTo: Type.Integer({ minimum: 0, description: 'items [0, upTo) of the transcript are read' }),
  at: Nullable(Type.Integer({ description: 'when the mark last moved (ms since the epoch)' })),
});
export type ReadMark = Static<typeof ReadMark>;
export const ReadMarkBody = Type.Object({ upTo: Type.Integer({ minimum: 0, maximum: 1e12 }) }, { additionalProperties: false });
export type ReadMarkBody = Static<typeof ReadMarkBody>;
