import { Type, type Static } from '@sinclair/typebox';
import { roles, type Role } from '../../core/role.ts';
import type { Store } from '../storage/store.ts';
import { defaultRules, type ThrottleRules } from './throttle.ts';

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

export const defaultPolicy: SecurityPolicy = {
  secondFactor: { principal: false, duty_officer: false, translator: false, auditor: false, admin: false },
  idleMinutes: 30,
  lockout: { failures: defaultRules.lockFailures, minutes: defaultRules.lockMs / 60_000 },
};

const KEY = 'security_policy';

/** The policy as stored, read once and kept in memory; every change goes through set(). */
export class Policies {
  private current: SecurityPolicy = defaultPolicy;
  private loaded?: Promise<void>;

  constructor(private readonly store: Store) {}

  async get(): Promise<SecurityPolicy> {
    this.loaded ??= this.store.setting(KEY).then((stored) => {
      // A stored policy is merged over the defaults, so a setting added later has its default.
      if (stored && typeof stored === 'object') this.current = { ...defaultPolicy, ...(stored as Partial<SecurityPolicy>) };
    });
    await this.loaded;
    return this.current;
  }

  /** The last policy read, for callers that cannot wait (the throttle's rules). */
  now(): SecurityPolicy {
    return this.current;
  }

  async set(policy: SecurityPolicy): Promise<void> {
    await this.get();
    await this.store.setSetting(KEY, policy);
    this.current = policy;
  }
}

export function throttleRules(policy: SecurityPolicy): ThrottleRules {
  return { ...defaultRules, lockFailures: policy.lockout.failures, lockMs: policy.lockout.minutes * 60_000 };
}
