import { badRequest, HotlineError } from '../../core/errors.ts';
import { isRole, type Role } from '../../core/role.ts';
import { Auth } from '../auth.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import type { MemberRecord, Store } from '../storage/store.ts';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Adds a member; `by` names the admin and address for the security log (none: the operator on the station's machine). */
export async function addMember(store: Store, clock: () => number, input: { name: string; role: string; password: string }, by: { actor?: string; address?: string } = {}): Promise<MemberRecord> {
  if (!NAME.test(input.name)) throw badRequest('member name must be 1-64 characters of a-z, 0-9, ".", "_" and "-"');
  if (!isRole(input.role)) throw badRequest(`role must be one of principal, duty_officer, translator, auditor, admin`);
  if (input.password.length < 10) throw badRequest('password must be at least 10 characters');
  if (await store.memberByName(input.name)) throw new HotlineError('conflict', `a member named ${input.name} already exists`);
  const passwordHash = await Auth.hashPassword(input.password);
  // A request for the same name may have passed the check above while this one hashed: the store's unique name decides (409).
  const member = await store.addMember({ name: input.name, role: input.role as Role, passwordHash, createdAt: clock(), disabled: false });
  await recordSecurityEvent(store, clock(), { kind: 'member.created', member: member.name, actor: by.actor ?? null, address: by.address ?? null, detail: `as ${member.role}${by.actor ? '' : ' by the operator on the station machine'}` });
  return member;
}
