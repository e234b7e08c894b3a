import { Type, type Static } from '@sinclair/typebox';

/** Names one entry of the line: the author party and its position in that party's log. */
export const EntryRef = Type.Object(
  { party: Type.String({ minLength: 1, maxLength: 64 }), seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type EntryRef = Static<typeof EntryRef>;

// Party names never contain ':', so "Party:seq" is unambiguous in paths and CSV.
export function refId(ref: EntryRef): string {
  return `${ref.party}:${ref.seq}`;
}

export function parseRefId(id: string): EntryRef | null {
  const m = /^([A-Za-z0-9._-]{1,64}):(\d{1,15})$/.exec(id);
  return m ? { party: m[1], seq: Number(m[2]) } : null;
}

/** A person, as their own station names them. */
export const PersonName = Type.String({ minLength: 1, maxLength: 64 });
