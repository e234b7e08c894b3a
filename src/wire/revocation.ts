import { Type, type Static } from '@sinclair/typebox';
import { Time } from './words.ts';

/** A revocation as a station records it (core/keys/revocation.ts `Revocation`); the same shape travels in a bundle. */
export const RevocationRecord = Type.Object({
  party: Type.String({ description: 'whose key is revoked' }),
  key: Type.String({ description: 'the revoked verifier key' }),
  compromisedAt: Time('entries the revoked key signed at or after this time (ms) are disputed'),
  replacement: Type.Optional(Type.String({ description: 'the replacement verifier key its operators confirmed (absent when only the revocation statement is known)' })),
}, { additionalProperties: false });
export type RevocationRecord = Static<typeof RevocationRecord>;

/** A recorded revocation with the fingerprints operators read aloud. */
export const RevocationView = Type.Object({
  ...RevocationRecord.properties,
  fingerprint: Type.String({ description: 'the revoked key\'s fingerprint' }),
  replacementFingerprint: Type.Optional(Type.String({ description: 'the replacement\'s fingerprint' })),
});
export type RevocationView = Static<typeof RevocationView>;

export const RevocationList = Type.Object({ revocations: Type.Array(RevocationView) });
export type RevocationList = Static<typeof RevocationList>;

/** `POST /v1/station/key-revocation`: this station's own key revoked with the statement made at init. */
export const OwnRevocationBody = Type.Object({
  statement: Type.String({ minLength: 1, maxLength: 16384, description: 'the revocation statement (revocation.txt, made by hotline init)' }),
  compromisedAt: Time('since when the key may have been in other hands (ms)'),
}, { additionalProperties: false });
export type OwnRevocationBody = Static<typeof OwnRevocationBody>;

/** What the party's operators read aloud to every peer's operators. */
export const OwnRevocationView = Type.Object({
  party: Type.String(),
  revoked: Type.String({ description: 'the revoked verifier key' }),
  revokedFingerprint: Type.String(),
  key: Type.String({ description: 'the new verifier key, which signs from now on' }),
  fingerprint: Type.String({ description: 'the new key\'s fingerprint: read it aloud to each peer\'s operators' }),
  compromisedAt: Time(),
  logs: Type.Integer({ description: 'own logs that now end with a key.revoke entry signed by the new key' }),
});
export type OwnRevocationView = Static<typeof OwnRevocationView>;

/** `POST /v1/peers/{name}/revocation`: a peer's key revoked, as its operators told ours. */
export const PeerRevocationBody = Type.Object({
  compromisedAt: Time('the compromise time the party\'s operators gave (ms)'),
  fingerprint: Type.Optional(Type.String({ maxLength: 64, description: 'the new key\'s fingerprint as read aloud (six groups of five digits); picks the key the party\'s station offered when it dialled in' })),
  key: Type.Optional(Type.String({ maxLength: 4096, description: 'the new verifier key, when it was handed over in writing' })),
  statement: Type.Optional(Type.String({ maxLength: 16384, description: 'the revocation statement the party published; alone (no fingerprint or key), it revokes the pinned key with no replacement' })),
}, { additionalProperties: false });
export type PeerRevocationBody = Static<typeof PeerRevocationBody>;
