import { Type, type Static } from '@sinclair/typebox';
import { Time } from './words.ts';

/** Proof that a party signed two histories of one log: what a station keeps to show anyone. */
export const EvidenceView = Type.Object({
  line: Type.String(),
  party: Type.String({ description: 'the party that equivocated' }),
  time: Time('when this station found it'),
  kind: Type.Literal('equivocation'),
  detail: Type.String(),
  material: Type.Record(Type.String(), Type.Unknown(), { description: 'the signed material: checkpoints, entries (base64), consistency proofs' }),
});
export type EvidenceView = Static<typeof EvidenceView>;

export const EvidenceList = Type.Object({ evidence: Type.Array(EvidenceView) });
export type EvidenceList = Static<typeof EvidenceList>;
