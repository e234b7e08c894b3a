import type { SecurityPolicy } from '../../wire/security-policy.ts';
import type { Store } from '../storage/store.ts';
import { defaultRules, type ThrottleRules } from './throttle.ts';

// The policy's shape is the wire's (an admin reads and sets it over the API).
export { SecurityPolicy } from '../../wire/security-policy.ts';

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
