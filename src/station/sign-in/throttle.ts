/**
 * How fast anyone may guess passwords. Each account and each network address
 * may fail a few times freely; after that every further attempt waits twice
 * as long as the one before (up to a cap), and enough failures in a row lock
 * the account for a while. Attempts made during a wait are refused before
 * the password is even checked, so waiting is the only way to guess again.
 *
 * Pure apart from the injected clock, so the rules are tested without
 * waiting. Unknown names are throttled and locked exactly like real ones:
 * the answers must not tell an attacker which names exist.
 */
export interface ThrottleRules {
  /** Failures an account may have before each further attempt waits. */
  accountFree: number;
  /** Failures an address may have (across accounts) before each further attempt waits. */
  addressFree: number;
  /** The first wait; each later one doubles. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row that lock an account, and for how long. */
  lockFailures: number;
  lockMs: number;
  /** Failures are forgotten this long after the last one. */
  forgetMs: number;
}

export const defaultRules: ThrottleRules = {
  accountFree: 3,
  addressFree: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockFailures: 10,
  lockMs: 15 * 60_000,
  forgetMs: 60 * 60_000,
};

export type Verdict =
  | { ok: true }
  | { ok: false; reason: 'locked'; until: number }
  | { ok: false; reason: 'account' | 'address'; retryAfterMs: number };

interface Failures {
  count: number;
  last: number;
  lockedUntil?: number;
  /** Attempts let through and not yet judged (a password takes a while to check). */
  inFlight: number;
}

/** Beyond this many remembered accounts or addresses, the oldest are forgotten first (memory is bounded). */
const MAX_KEYS = 50_000;

export class Throttle {
  private readonly accounts = new Map<string, Failures>();
  private readonly addresses = new Map<string, Failures>();

  constructor(private readonly rules: () => ThrottleRules, private readonly clock: () => number) {}

  /**
   * May this attempt be checked now? If so it is counted as under way until
   * failed(), succeeded() or settled() judges it: attempts sent side by side
   * cannot all slip through before the first failure is counted.
   */
  check(account: string, address: string): Verdict {
    const now = this.clock();
    const rules = this.rules();
    const a = this.current(this.accounts, account, now, rules);
    if (a?.lockedUntil !== undefined) return { ok: false, reason: 'locked', until: a.lockedUntil };
    const ip = this.current(this.addresses, addressKey(address), now, rules);
    const wait = (f: Failures | undefined, free: number) => {
      if (!f) return 0;
      const pending = f.count + f.inFlight;
      // Beyond the free attempts, one at a time: the next waits for the one under way to be judged.
      if (f.inFlight > 0 && pending >= free) return Math.max(1, delay(pending, free, rules));
      return f.last + delay(f.count, free, rules) - now;
    };
    const accountWait = wait(a, rules.accountFree);
    if (accountWait > 0) return { ok: false, reason: 'account', retryAfterMs: accountWait };
    const addressWait = wait(ip, rules.addressFree);
    if (addressWait > 0) return { ok: false, reason: 'address', retryAfterMs: addressWait };
    this.entry(this.accounts, account, now).inFlight++;
    this.entry(this.addresses, addressKey(address), now).inFlight++;
    return { ok: true };
  }

  /** A wrong password (or second factor): counts against both; returns the lock if this failure set one. */
  failed(account: string, address: string): { lockedUntil: number | null } {
    const now = this.clock();
    const rules = this.rules();
    this.settled(account, address);
    const a = this.bump(this.accounts, account, now, rules);
    this.bump(this.addresses, addressKey(address), now, rules);
    if (a.count >= rules.lockFailures && a.lockedUntil === undefined) a.lockedUntil = now + rules.lockMs;
    return { lockedUntil: a.lockedUntil ?? null };
  }

  /** The right password: the account's failures are cleared (the address's are not: one good account must not launder guesses at others). */
  succeeded(account: string, address: string): void {
    this.settled(account, address);
    const a = this.accounts.get(account);
    if (a && a.inFlight === 0) this.accounts.delete(account);
    else if (a) a.count = 0;
  }

  /** An attempt checked but judged neither way (it failed for another reason): no longer under way. */
  settled(account: string, address: string): void {
    for (const f of [this.accounts.get(account), this.addresses.get(addressKey(address))]) if (f && f.inFlight > 0) f.inFlight--;
  }

  /** An admin's unlock: the account starts afresh. */
  unlock(account: string): void {
    this.accounts.delete(account);
  }

  /** The lock on an account, if any. */
  lockedUntil(account: string): number | null {
    return this.current(this.accounts, account, this.clock(), this.rules())?.lockedUntil ?? null;
  }

  private current(map: Map<string, Failures>, key: string, now: number, rules: ThrottleRules): Failures | undefined {
    const f = map.get(key);
    if (!f) return undefined;
    // A lock ends at its time and takes the failures with it; otherwise they fade after forgetMs.
    if ((f.lockedUntil !== undefined && f.lockedUntil <= now) || (f.lockedUntil === undefined && now - f.last >= rules.forgetMs)) {
      map.delete(key);
      return undefined;
    }
    return f;
  }

  /** The record for a key, made if missing (with no failures yet). */
  private entry(map: Map<string, Failures>, key: string, now: number): Failures {
    let f = map.get(key);
    if (!f) {
      f = { count: 0, last: now, inFlight: 0 };
      map.set(key, f);
      while (map.size > MAX_KEYS) map.delete(map.keys().next().value!);
    }
    return f;
  }

  private bump(map: Map<string, Failures>, key: string, now: number, rules: ThrottleRules): Failures {
    const f = this.current(map, key, now, rules) ?? { count: 0, last: now, inFlight: 0 };
    f.count++;
    f.last = now;
    map.delete(key);
    map.set(key, f); // most recent last, so the oldest go first below
    while (map.size > MAX_KEYS) map.delete(map.keys().next().value!);
    return f;
  }
}

/** The wait after `count` failures when `free` are allowed: 0, then base, 2·base, 4·base … up to the cap. */
export function delay(count: number, free: number, rules: Pick<ThrottleRules, 'baseDelayMs' | 'maxDelayMs'>): number {
  if (count < free) return 0;
  return Math.min(rules.maxDelayMs, rules.baseDelayMs * 2 ** Math.min(30, count - free));
}

/**
 * The unit an address is throttled by: an IPv4 address, or an IPv6 /64 (one
 * site's whole allocation, which one attacker can cycle through freely).
 */
export function addressKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}
