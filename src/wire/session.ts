import { Type, type Static } from '@sinclair/typebox';
import { MemberView } from './member.ts';
import { Time, Words } from './words.ts';

/** The second factors a sign-in may finish with. */
export const secondFactorMethods = ['totp', 'passkey', 'recovery'] as const;
export type SecondFactorMethod = (typeof secondFactorMethods)[number];

/** A session: the bearer token for every other request. */
export const SessionReply = Type.Object({
  token: Type.String({ description: 'send as Authorization: Bearer <token>' }),
  expiresAt: Time('the session ends then at the latest'),
  member: MemberView,
  idleMinutes: Type.Integer({ description: 'the session ends after this long unused' }),
  mustEnrol: Type.Optional(Type.Boolean({ description: 'the role requires a second factor and none is enrolled: this session may only enrol one' })),
});
export type SessionReply = Static<typeof SessionReply>;

/** The password was right and the role needs a second factor: finish with one of `methods`. */
export const PendingSignIn = Type.Object({
  pending: Type.String({ description: 'the handle to send with the second step' }),
  methods: Type.Array(Words(secondFactorMethods)),
  expiresAt: Time('the second step must come before then'),
});
export type PendingSignIn = Static<typeof PendingSignIn>;
