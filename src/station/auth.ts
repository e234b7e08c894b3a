import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { HotlineError } from '../core/errors.ts';
import type { Member } from '../core/policy.ts';
import type { CredentialKind, Store } from './storage/store.ts';

const CACHE_MS = 5_000;
/** How stale the stored last-use time of a session may get: the idle timeout is exact in memory, this close after a restart. */
const TOUCH_MS = 60_000;

/** What became invalid: some credentials (by id), or everything a member holds (disabled, role changed). */
export type Revocation = { credentials: string[] } | { member: number };

interface Resolved {
  member: Member;
  credentialId: string;
  kind: CredentialKind;
  expiresAt: number | null;
}

/**
 * Resolves bearer tokens to members. Tokens are random, stored only as
 * SHA-256 hashes; a short cache keeps the database off the append path.
 * Sessions also end after `idleMs()` without a request. Whoever holds
 * something derived from a credential (the event stream: open streams and
 * tickets) hears of its end through onRevoke, at once.
 */
export class Auth {
  private readonly cache = new Map<string, Resolved & { until: number }>();
  /** Last request per session credential id; written to the store at most once a minute. */
  private readonly lastUsed = new Map<string, { time: number; stored: number }>();
  private readonly listeners = new Set<(r: Revocation) => void>();
  /** The idle timeout for sessions; the sign-in policy sets it. */
  idleMs: () => Promise<number> = async () => 30 * 60_000;

  constructor(private readonly store: Store, private readonly clock: () => number) {}

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** Members or credentials changed in another process: every cached answer is dropped. */
  forgetAll(): void {
    this.cache.clear();
  }

  /** Checks a password against a member's hash, taking as long for an unknown name as for a known one. */
  static async verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
    // Verify against a dummy hash when the name is unknown so timing does not reveal which names exist.
    const ok = await argon2.verify(hash ?? (await dummyHash()), password).catch(() => false);
    return ok && hash !== undefined;
  }

  /** Every credential made now expires (sessions by the policy, API tokens within a year: token-lifetime.ts). */
  async issue(memberId: number, kind: CredentialKind, label: string, expiresAt: number): Promise<string> {
    const token = (kind === 'session' ? 'hls_' : 'hlt_') + randomBytes(24).toString('base64url');
    await this.store.addCredential(hashToken(token), { memberId, kind, label, createdAt: this.clock(), expiresAt });
    return token;
  }

  async revoke(token: string): Promise<void> {
    await this.revokeHash(hashToken(token));
  }

  async revokeHash(tokenHash: Uint8Array): Promise<void> {
    const id = credentialId(tokenHash);
    this.cache.delete(id);
    this.lastUsed.delete(id);
    await this.store.removeCredential(tokenHash);
    this.announce({ credentials: [id] });
  }

  /** Ends a member's sessions (not their API tokens) and tells every holder that what the member had is void. */
  async revokeSessions(memberId: number): Promise<void> {
    for (const c of await this.store.credentials(memberId)) {
      if (c.kind === 'session') await this.store.removeCredential(c.tokenHash);
    }
    this.forgetMember(memberId);
  }

  /** A member's record changed (role, disabled): cached answers about them are dropped and their streams closed. */
  forgetMember(memberId: number): void {
    for (const [id, hit] of this.cache) if (hit.member.id === memberId) this.cache.delete(id);
    this.announce({ member: memberId });
  }

  onRevoke(listener: (r: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(r: Revocation): void {
    for (const l of this.listeners) l(r);
  }

  /** The member a bearer token stands for, or an unauthenticated error. */
  async member(token: string | undefined): Promise<Member> {
    if (!token) throw new HotlineError('unauthenticated', 'sign in first: send Authorization: Bearer <token>');
    return (await this.resolve(hashToken(token))).member;
  }

  /**
   * The credential behind a token hash, checked: unknown, revoked, expired,
   * idle too long or of a disabled member is an unauthenticated error.
   * `touch: false` checks without counting as use (an open event stream is
   * not a person at the console).
   */
  async resolve(tokenHash: Uint8Array, options: { touch?: boolean } = {}): Promise<Resolved> {
    const now = this.clock();
    const id = credentialId(tokenHash);
    const hit = this.cache.get(id);
    let resolved: Resolved;
    let lastUse: number;
    if (hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now)) {
      resolved = hit;
      lastUse = this.lastUsed.get(id)?.time ?? now;
    } else {
      const credential = await this.store.credential(tokenHash);
      const record = credential && (await this.store.memberById(credential.memberId));
      if (!credential || !record || record.disabled || (credential.expiresAt !== null && credential.expiresAt <= now)) {
        this.cache.delete(id);
        throw new HotlineError('unauthenticated', 'the token is unknown, revoked or expired');
      }
      resolved = { member: { id: record.id, name: record.name, role: record.role }, credentialId: id, kind: credential.kind, expiresAt: credential.expiresAt };
      lastUse = Math.max(this.lastUsed.get(id)?.time ?? 0, credential.lastUsedAt ?? credential.createdAt);
      if (!this.lastUsed.has(id)) this.lastUsed.set(id, { time: lastUse, stored: lastUse });
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(id, { ...resolved, until: now + CACHE_MS });
    }
    if (resolved.kind === 'session') {
      const idle = await this.idleMs();
      if (now - lastUse >= idle) {
        await this.revokeHash(tokenHash);
        throw new HotlineError('unauthenticated', `the session ended after ${Math.round(idle / 60_000)} minutes without use; sign in again`);
      }
      if (options.touch !== false) await this.touch(id, tokenHash, now);
    }
    return resolved;
  }

  private async touch(id: string, tokenHash: Uint8Array, now: number): Promise<void> {
    const use = this.lastUsed.get(id) ?? { time: now, stored: 0 };
    use.time = now;
    if (this.lastUsed.size > 10_000) this.lastUsed.clear();
    this.lastUsed.set(id, use);
    if (now - use.stored >= TOUCH_MS) {
      use.stored = now;
      await this.store.touchCredential(tokenHash, now);
    }
  }

  /** When a credential was last used (ms), as far as this process knows. */
  lastUse(tokenHash: Uint8Array): number | null {
    return this.lastUsed.get(credentialId(tokenHash))?.time ?? null;
  }
}

export function hashToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

/**
 * A credential's public name: the first 8 bytes of its hash, in hex. It
 * names a token in listings and revocations without being usable as one.
 */
export function credentialId(tokenHash: Uint8Array): string {
  return Buffer.from(tokenHash.subarray(0, 8)).toString('hex');
}

// argon2id of a random password nobody knows; only its verification time matters.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  return dummy;
}
