import type { MemberRecord } from '../storage/store.ts';

export function presentMember(m: MemberRecord) {
  return { id: m.id, name: m.name, role: m.role, disabled: m.disabled };
}

/** A member as an admin sees them: also whether they are locked out and have a second factor. */
export function presentMemberForAdmin(m: MemberRecord, secondFactor: boolean, now: number) {
  return { ...presentMember(m), lockedUntil: m.lockedUntil != null && m.lockedUntil > now ? m.lockedUntil : null, secondFactor };
}
