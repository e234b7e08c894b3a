import { HotlineError } from '../../core/errors.ts';
import type { Member } from '../../core/policy.ts';
import type { Role } from '../../core/role.ts';
import type { Station } from '../station.ts';

/**
 * An admin changes a member's role or disables them. What the member held
 * under the old terms ends at once: their sessions, their event streams and
 * tickets, their half-finished sign-ins. A change that would leave the
 * station with no enabled admin is refused, so nobody can lock everyone out.
 */
export async function changeMember(station: Station, actor: Member, name: string, change: { role?: Role; disabled?: boolean }, address: string | null): Promise<void> {
  const record = await station.store.memberByName(name);
  if (!record) throw new HotlineError('not_found', `no member named ${name}`);
  const role = change.role ?? record.role;
  const disabled = change.disabled ?? record.disabled;
  if (role === record.role && disabled === record.disabled) return;
  if (record.role === 'admin' && !record.disabled && (role !== 'admin' || disabled)) {
    const admins = (await station.store.listMembers()).filter((m) => m.role === 'admin' && !m.disabled);
    if (admins.length <= 1) throw new HotlineError('conflict', `${name} is the only enabled admin; make another admin first`);
  }
  await station.store.updateMember(record.id, { role, disabled });
  await station.auth.revokeSessions(record.id);
  station.signIn.memberChanged(record.id);
  const log = (kind: 'member.role_changed' | 'member.disabled' | 'member.enabled', detail: string) =>
    station.signIn.log({ kind, member: record.name, actor: actor.name, address, detail });
  if (role !== record.role) await log('member.role_changed', `${record.role} → ${role}; sessions ended`);
  if (disabled !== record.disabled) await log(disabled ? 'member.disabled' : 'member.enabled', disabled ? 'sessions ended' : '');
}
