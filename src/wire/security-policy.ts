import { Type, type Static } from '@sinclair/typebox';
import { roles, type Role } from './role.ts';

/** The station's sign-in policy, set by an admin at run time (PUT /v1/security/policy). */
export const SecurityPolicy = Type.Object(
  {
    secondFactor: Type.Object(
      Object.fromEntries(roles.map((r) => [r, Type.Boolean({ description: `members with the role ${r} must sign in with a second factor` })])) as Record<Role, ReturnType<typeof Type.Boolean>>,
      { additionalProperties: false },
    ),
    idleMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'a session unused this long ends' }),
    lockout: Type.Object(
      {
        failures: Type.Integer({ minimum: 3, maximum: 100, description: 'failed sign-ins in a row that lock an account' }),
        minutes: Type.Integer({ minimum: 1, maximum: 10080, description: 'how long the lock lasts unless an admin unlocks it' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SecurityPolicy = Static<typeof SecurityPolicy>;
