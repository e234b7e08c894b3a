import type { Role } from '../../core/role.ts';
import type { AlarmRecord, CredentialRecord, MemberRecord, PasskeyRecord, SecurityEventRecord } from './store.ts';

// Rows as both adapters return them (the tables have the same columns): integers as numbers, blobs as bytes.
export type Row = Record<string, any>;

export function toMember(r: Row | undefined): MemberRecord | null {
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    disabled: r.disabled === 1,
    lockedUntil: r.locked_until ?? null,
  };
}

export function toCredential(r: Row): CredentialRecord {
  return { memberId: r.member_id, kind: r.kind, label: r.label, createdAt: r.created_at, expiresAt: r.expires_at ?? null, lastUsedAt: r.last_used_at ?? null };
}

export function toPasskey(r: Row): PasskeyRecord {
  return {
    id: r.id, memberId: r.member_id, publicKey: r.public_key, counter: r.counter, transports: JSON.parse(r.transports),
    label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? null,
  };
}

export function toSecurityEvent(r: Row): SecurityEventRecord {
  return { id: r.id, time: r.time, kind: r.kind, member: r.member ?? null, actor: r.actor ?? null, address: r.address ?? null, detail: r.detail };
}

/** Freezes a record and everything in it: a cached line is shared by every caller, so none may change it under the others. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** An alarm row, from either adapter (PostgreSQL's BIGINTs arrive as strings). */
export function toAlarm(r: Row): AlarmRecord {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id), key: r.key, kind: r.kind, line: r.line_id ?? null, raisedAt: Number(r.raised_at), subject: JSON.parse(r.subject),
    ackedBy: r.acked_by ?? null, ackedAt: n(r.acked_at), clearedAt: n(r.cleared_at), clearedWhy: r.cleared_why ?? null, clearedBy: r.cleared_by ?? null,
  };
}
