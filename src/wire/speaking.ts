import { canOnLine, type LineAction } from '../core/policy.ts';
import { isRole } from '../core/role.ts';

// Who may speak for the party on a line they are named on (messages,
// acknowledgements, calls, readouts, notices) and who may translate: asked
// of the core's policy, so the console greys out exactly what the station refuses.
// `named` is whether the member is named on the line (a line a member sees
// without being named on it is one they read, not speak on).
function mayOnLine(role: string | undefined, named: boolean, action: LineAction): boolean {
  if (!role || !isRole(role)) return false;
  return canOnLine({ id: 0, name: '', role }, { discreet: false, isMember: named }, action);
}

/** Principals and duty officers named on the line. */
export const speaks = (role: string | undefined, named = true): boolean => mayOnLine(role, named, 'write');
/** Those who speak, and translators. */
export const translates = (role: string | undefined, named = true): boolean => mayOnLine(role, named, 'translate');
