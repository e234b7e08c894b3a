import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Time } from './words.ts';

/** Present (true) on an entry signed by a revoked key at or after its compromise time: it may be the thief's. */
export const Disputed = Type.Literal(true, { description: 'signed by a revoked key at or after the compromise time its operators recorded: it may not be the party\'s own (absent otherwise)' });

/** One signed entry, decoded. The body is the kind's own: open-ended here, described per kind in src/core/kinds. */
export const EntryView = Type.Object({
  party: Type.String(),
  seq: Type.Integer(),
  time: Time('the author station\'s clock'),
  kind: Type.String(),
  body: Type.Record(Type.String(), Type.Unknown()),
  seen: Type.Record(Type.String(), Type.Integer(), { description: 'size of each peer log the author had seen: the causal order' }),
  leafHash: Type.String({ description: 'base64 RFC 6962 leaf hash' }),
  signature: Type.String({ description: 'base64 Ed25519 signature' }),
  disputed: Type.Optional(Disputed),
});
export type EntryView = Static<typeof EntryView>;

/** A page of one party's log. */
export const EntryPage = Type.Object({
  entries: Type.Array(EntryView),
  size: Type.Integer({ description: 'entries under the latest signed checkpoint' }),
  next: Nullable(Type.Integer({ description: 'the start of the next page' })),
});
export type EntryPage = Static<typeof EntryPage>;

/** One entry with its exact leaf bytes. */
export const EntryWithBytes = Type.Object({ entry: EntryView, bytes: Type.String({ description: 'base64 of the exact leaf bytes' }) });
export type EntryWithBytes = Static<typeof EntryWithBytes>;
