import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Time, Words } from './words.ts';

/** A new API token: the only time its secret is shown. */
export const IssuedToken = Type.Object({
  id: Type.String({ description: 'the credential id (16 hex digits), for listing and revoking' }),
  token: Type.String({ description: 'the bearer token, shown once' }),
  expiresAt: Time(),
});
export type IssuedToken = Static<typeof IssuedToken>;

/** A session or API token, without its secret. */
export const CredentialView = Type.Object({
  id: Type.String(),
  member: Type.String(),
  label: Type.String(),
  kind: Words(['session', 'token'] as const),
  createdAt: Time(),
  expiresAt: Nullable(Time()),
  lastUsedAt: Nullable(Time()),
  current: Type.Boolean({ description: 'the credential this request was made with' }),
});
export type CredentialView = Static<typeof CredentialView>;

export const CredentialList = Type.Array(CredentialView);
export type CredentialList = Static<typeof CredentialList>;
