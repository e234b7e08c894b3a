import type { MemberRecord } from '../storage/store.ts';

export function presentMember(m: MemberRecord) {
  return { id: m.id, name: m.name, role: m.role, disabled: m.disabled };
}
