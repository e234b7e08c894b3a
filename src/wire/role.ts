// A member's role on their station: the core's list is the only one.
export { roles, isRole, type Role } from '../core/role.ts';
