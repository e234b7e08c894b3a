import { Type, type Static } from '@sinclair/typebox';
import { roles } from './role.ts';
import { Nullable, Time, Words } from './words.ts';

/** A member's role at the station: what they may do (core/policy.ts). */
export const RoleSchema = Words(roles, { description: 'the member\'s role at this station' });

/** A member as every member may see them (GET /v1/me, and the member in a session). */
export const MemberView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Optional(Type.Boolean({ description: 'a disabled member cannot sign in' })),
});
export type MemberView = Static<typeof MemberView>;

/** A member as an admin sees them: also a lockout and whether they have a second factor. */
export const AdminMemberView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  lockedUntil: Nullable(Time('locked out after repeated sign-in failures until then; null if not')),
  secondFactor: Type.Boolean({ description: 'has TOTP or a passkey' }),
});
export type AdminMemberView = Static<typeof AdminMemberView>;

export const MemberList = Type.Object({ members: Type.Array(AdminMemberView) });
export type MemberList = Static<typeof MemberList>;
