import { Type, type Static } from '@sinclair/typebox';
import { RevocationRecord } from './revocation.ts';
import { Time } from './words.ts';

/** A line as this station's members see it. */
export const LineView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  discreet: Type.Boolean(),
  createdAt: Time(),
  parties: Type.Array(Type.Object({
    name: Type.String(),
    key: Type.String({ description: 'verifier key' }),
    fingerprint: Type.String({ description: 'the key\'s fingerprint in the read-aloud form parties compare on a call: six groups of five digits' }),
  })),
  members: Type.Array(Type.String({ description: 'names of this station\'s members on the line' })),
});
export type LineView = Static<typeof LineView>;

export const LineList = Type.Object({ lines: Type.Array(LineView) });
export type LineList = Static<typeof LineList>;

/** An offline-verifiable copy of every log of a line (hotline verify --bundle; src/core/bundle.ts). */
export const LineBundle = Type.Object({
  format: Type.String(),
  line: Type.Object({ id: Type.String(), title: Type.String(), parties: Type.Array(Type.Object({ name: Type.String(), key: Type.String() })), discreet: Type.Boolean(), createdAt: Time() }),
  creator: Type.Optional(Type.String()),
  revocations: Type.Optional(Type.Array(RevocationRecord, { description: 'the key revocations the exporting station recorded for the line\'s parties (entries a revoked key signed at or after its compromise time are disputed)' })),
  logs: Type.Array(Type.Object({
    party: Type.String(),
    checkpoint: Type.String({ description: 'signed-note checkpoint covering exactly `entries`' }),
    entries: Type.Array(Type.String({ description: 'base64 entry bytes' })),
  })),
});
export type LineBundle = Static<typeof LineBundle>;
