import { Type, type Static } from '@sinclair/typebox';
import { CallView } from './call.ts';
import { EntryId, Nullable, Time } from './words.ts';

/** One published version of a party's readout of a call. */
export const ReadoutVersion = Type.Object({
  id: EntryId, version: Type.Integer({ minimum: 1 }), time: Time(), by: Type.String(), text: Type.String(), lang: Nullable(Type.String()), public: Type.Boolean(),
});
export type ReadoutVersion = Static<typeof ReadoutVersion>;

/** Each party's versions, keyed by party name. */
export const ReadoutsByParty = Type.Record(Type.String(), Type.Array(ReadoutVersion));
export type ReadoutsByParty = Static<typeof ReadoutsByParty>;

export const CallReadouts = Type.Object({ call: CallView, readouts: ReadoutsByParty });
export type CallReadouts = Static<typeof CallReadouts>;

/** This party's unpublished draft (it never leaves the station). */
export const ReadoutDraft = Type.Object({
  line: Type.String(), call: EntryId, text: Type.String(), lang: Nullable(Type.String()), updatedBy: Type.String(), updatedAt: Time(),
});
export type ReadoutDraft = Static<typeof ReadoutDraft>;
export const DraftReply = Type.Object({ draft: Nullable(ReadoutDraft) });
export type DraftReply = Static<typeof DraftReply>;

/** A readout marked for the press: the latest version of a party's readout of a call on an ordinary line. */
export const PublicReadout = Type.Object({
  line: Type.String(), lineTitle: Type.String(), call: EntryId, party: Type.String(), callTime: Time(), ...ReadoutVersion.properties,
});
export type PublicReadout = Static<typeof PublicReadout>;
export const PublicReadouts = Type.Object({ readouts: Type.Array(PublicReadout) });
export type PublicReadouts = Static<typeof PublicReadouts>;
