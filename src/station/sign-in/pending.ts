import { createHash, randomBytes } from 'node:crypto';

/**
 * Short-lived one-time values kept in memory only: a sign-in waiting for its
 * second factor, a passkey challenge waiting for the browser's answer. Each
 * is stored by its hash, expires, and is bounded in number, so a flood of
 * half-finished sign-ins cannot fill memory.
 */
export class Pending<T> {
  private readonly items = new Map<string, { value: T; expires: number }>();

  constructor(private readonly ttlMs: number, private readonly clock: () => number, private readonly max = 10_000) {}

  /** Keeps `value` under a new random handle; returns the handle and its expiry. */
  add(value: T): { handle: string; expiresAt: number } {
    const handle = randomBytes(24).toString('base64url');
    return { handle, expiresAt: this.put(handle, value) };
  }

  /** Keeps `value` under a chosen key (a member id), replacing what was there. */
  put(key: string, value: T): number {
    this.prune();
    const expires = this.clock() + this.ttlMs;
    this.items.delete(digest(key));
    this.items.set(digest(key), { value, expires });
    while (this.items.size > this.max) this.items.delete(this.items.keys().next().value!);
    return expires;
  }

  get(key: string): T | null {
    const hit = this.items.get(digest(key));
    if (!hit) return null;
    if (hit.expires <= this.clock()) {
      this.items.delete(digest(key));
      return null;
    }
    return hit.value;
  }

  /** Gets and forgets. */
  take(key: string): T | null {
    const value = this.get(key);
    this.items.delete(digest(key));
    return value;
  }

  /** Forgets every value `drop` picks (all of a member's, when they are disabled). */
  dropWhere(drop: (value: T) => boolean): void {
    for (const [k, v] of this.items) if (drop(v.value)) this.items.delete(k);
  }

  private prune(): void {
    const now = this.clock();
    for (const [k, v] of this.items) {
      if (v.expires > now) break; // inserted in expiry order (same ttl), so the rest are newer
      this.items.delete(k);
    }
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
