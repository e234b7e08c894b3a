import { Type, type Static } from '@sinclair/typebox';

/** A rotation recorded in the log: signed by the old key; the next entry is signed by the new one. */
export const KEY_ROTATE = 'key.rotate';
/** A revoked key replaced: signed by the replacement; entries after it are signed by the replacement. */
export const KEY_REVOKE = 'key.revoke';

export const KeyRotateBody = Type.Object(
  { statement: Type.String({ maxLength: 16384, description: 'The rotation statement: a signed note by the old and the new key (src/core/keys/rotation.ts)' }) },
  { additionalProperties: false },
);
export type KeyRotateBody = Static<typeof KeyRotateBody>;

export const KeyRevokeBody = Type.Object(
  {
    revocation: Type.String({ maxLength: 16384, description: 'The revocation statement the old key signed at init (src/core/keys/revocation.ts)' }),
    compromisedAt: Type.Integer({ minimum: 0, description: 'Entries the old key signed at or after this time (ms) are disputed' }),
    key: Type.String({ maxLength: 4096, description: 'Verifier key text of the replacement, which signs this entry and every later one' }),
    pqKey: Type.Optional(Type.String({ maxLength: 8192, description: 'The replacement ML-DSA verifier key, when the station has one' })),
  },
  { additionalProperties: false },
);
export type KeyRevokeBody = Static<typeof KeyRevokeBody>;
