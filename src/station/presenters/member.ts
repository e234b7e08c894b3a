import type { AdminMemberView, MemberView } from '../../wire/member.ts';
import type { MemberRecord } from '../storage/store.ts';

export function presentMember(m: MemberRecord): MemberView {
  return { id: m.id, name: m.name, role: m.role, disabled: m.disabled };
}

/** A member as an admin sees them: also whether they are locked out and have a second factor. */
export function presentMemberForAdmin(m: MemberRecord, secondFactor: boolean, now: number): AdminMemberView {
  // MemberView may leave `disabled` out; the admin's view always says it.
  return { ...presentMember(m), disabled: m.disabled, lockedUntil: m.lockedUntil != null && m.lockedUntil > now ? m.lockedUntil : null, secondFactor };
}
