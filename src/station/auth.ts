import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { HotlineError } from '../core/errors.ts';
import type { Member } from '../core/policy.ts';
import type { CredentialKind, Store } from './storage/store.ts';

const CACHE_MS = 5_000;

/**
 * Resolves bearer tokens to members. Tokens are random, stored only as
 * SHA-256 hashes; a short cache keeps the database off the append path.
 */
export class Auth {
  private readonly cache = new Map<string, { member: Member; until: number; expiresAt: number | null }>();

  constructor(private readonly store: Store, private readonly clock: () => number) {}

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async login(name: string, password: string, sessionHours: number): Promise<{ token: string; member: Member; expiresAt: number }> {
    const record = await this.store.memberByName(name);
    // Verify against a dummy hash when the name is unknown so timing does not reveal which names exist.
    const hash = record?.passwordHash ?? (await dummyHash());
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!record || !ok || record.disabled) throw new HotlineError('unauthenticated', 'wrong name or password');
    const expiresAt = this.clock() + sessionHours * 3600_000;
    const token = await this.issue(record.id, 'session', 'login', expiresAt);
    return { token, member: { id: record.id, name: record.name, role: record.role }, expiresAt };
  }

  async issue(memberId: number, kind: CredentialKind, label: string, expiresAt: number | null): Promise<string> {
    const token = (kind === 'session' ? 'hls_' : 'hlt_') + randomBytes(24).toString('base64url');
    await this.store.addCredential(hashToken(token), { memberId, kind, label, createdAt: this.clock(), expiresAt });
    return token;
  }

  async revoke(token: string): Promise<void> {
    this.cache.delete(token);
    await this.store.removeCredential(hashToken(token));
  }

  /** The member a bearer token stands for, or an unauthenticated error. */
  async member(token: string | undefined): Promise<Member> {
    if (!token) throw new HotlineError('unauthenticated', 'sign in first: send Authorization: Bearer <token>');
    const now = this.clock();
    const hit = this.cache.get(token);
    if (hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now)) return hit.member;
    const credential = await this.store.credential(hashToken(token));
    const record = credential && (await this.store.memberById(credential.memberId));
    if (!credential || !record || record.disabled || (credential.expiresAt !== null && credential.expiresAt <= now)) {
      this.cache.delete(token);
      throw new HotlineError('unauthenticated', 'the token is unknown, revoked or expired');
    }
    const member = { id: record.id, name: record.name, role: record.role };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { member, until: now + CACHE_MS, expiresAt: credential.expiresAt });
    return member;
  }
}

export function hashToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

// argon2id of a random password nobody knows; only its verification time matters.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  return dummy;
}
