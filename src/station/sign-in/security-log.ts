import type { SecurityEventRecord, Store } from '../storage/store.ts';

/** What the security log records; the console and `hotline security log` show these names. */
export const securityEventKinds = [
  'login.ok', 'login.failed', 'login.locked', 'login.unlocked',
  'second_factor.enrolled', 'second_factor.removed', 'second_factor.failed', 'recovery_codes.issued', 'recovery_code.used',
  'token.created', 'token.revoked', 'session.ended',
  'member.created', 'member.role_changed', 'member.disabled', 'member.enabled',
  'policy.changed', 'peer.pinned', 'peer.removed', 'key.revoked',
] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];

export interface SecurityEventInput {
  kind: SecurityEventKind;
  member?: string | null;
  actor?: string | null;
  address?: string | null;
  detail?: string;
}

/** Writes security events to the station's own store; readable by auditors and admins (GET /v1/security/log). */
export async function recordSecurityEvent(store: Store, time: number, event: SecurityEventInput): Promise<SecurityEventRecord> {
  return store.addSecurityEvent({ time, kind: event.kind, member: event.member ?? null, actor: event.actor ?? null, address: event.address ?? null, detail: event.detail ?? '' });
}
