import { Type, type Static } from '@sinclair/typebox';
import { RevocationView } from './revocation.ts';
import { Time } from './words.ts';

/** Where a key change was recorded: the position of its entry in one of this station's logs. */
export const KeyPosition = Type.Object({
  line: Type.String(),
  seq: Type.Integer({ minimum: 0, description: 'the key.rotate entry (signed by the old key; the next entry is the new key\'s)' }),
}, { additionalProperties: false });
export type KeyPosition = Static<typeof KeyPosition>;

/** One rotation of this station's key (POST /v1/station/key-rotation, and each link of the chain in GET /v1/station/keys). */
export const RotationView = Type.Object({
  party: Type.String(),
  old: Type.String({ description: 'the verifier key that stopped signing (kept, retired)' }),
  oldFingerprint: Type.String(),
  new: Type.String({ description: 'the verifier key that signs from the rotation on' }),
  fingerprint: Type.String({ description: 'the new key\'s fingerprint (peers follow the statement; reading it aloud is optional)' }),
  time: Time('when the rotation was made (ms, the station\'s clock)'),
  statement: Type.String({ description: 'the rotation statement: a signed note by the old and the new key' }),
  positions: Type.Array(KeyPosition, { description: 'the key.rotate entry in every log of this station' }),
  revocationFile: Type.Optional(Type.String({ description: 'where the rotation left a revocation statement for the new key (move it offline)' })),
}, { additionalProperties: false });
export type RotationView = Static<typeof RotationView>;

/** This station's keys (GET /v1/station/keys). */
export const StationKeysView = Type.Object({
  party: Type.String(),
  key: Type.String({ description: 'the verifier key signing now' }),
  fingerprint: Type.String(),
  where: Type.String({ description: 'where the key is kept ("file station.key")' }),
  pending: Type.Boolean({ description: 'a key change is under way (its entries are being written)' }),
  rotations: Type.Array(RotationView, { description: 'the chain of rotations, oldest first: the first old key is the one the station began with' }),
  revocations: Type.Array(RevocationView, { description: 'revocations recorded here (of this station\'s keys and of peers\')' }),
}, { additionalProperties: false });
export type StationKeysView = Static<typeof StationKeysView>;
