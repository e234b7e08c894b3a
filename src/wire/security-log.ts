import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Time } from './words.ts';

/** One event of the security log: a sign-in, a failure, a lockout, a second factor, a token, a member or peer change. */
export const SecurityEvent = Type.Object({
  id: Type.Integer(),
  time: Time(),
  kind: Type.String({ description: 'what happened, e.g. session.started, sign_in.failed, token.created, peer.pinned' }),
  member: Nullable(Type.String({ description: 'the member it is about' })),
  actor: Nullable(Type.String({ description: 'the member who did it, when someone else did (an admin)' })),
  address: Nullable(Type.String({ description: 'the network address the request came from' })),
  detail: Type.String(),
});
export type SecurityEvent = Static<typeof SecurityEvent>;

export const SecurityLog = Type.Object({ events: Type.Array(SecurityEvent) });
export type SecurityLog = Static<typeof SecurityLog>;
