import type { Role } from './role.ts';


/** Who is asking, as far as the core cares. */
export interface Member {
  id: number;
  name: string;
  role: Role;
}

/** What a member may do on one line, given whether the station named them on it. */
export interface LineAccess {
  discreet: boolean;
  isMember: boolean;
  /** No member of this station is named on it yet (e.g. just offered by a peer). */
  unassigned?: boolean;
}

// Discreet lines exist only for their named members: no role, not even admin,
// sees them otherwise, except that an admin sees one nobody here is named on
// yet, since someone must name who takes it. Auditors read every ordinary
// line; admins manage them.
export function canSeeLine(member: Member, line: LineAccess): boolean {
  if (line.isMember) return true;
  if (line.discreet) return member.role === 'admin' && line.unassigned === true;
  return member.role === 'admin' || member.role === 'auditor';
}

export function canReadEntries(member: Member, line: LineAccess): boolean {
  if (line.isMember) return true;
  return !line.discreet && member.role === 'auditor';
}

export function canWriteMessages(member: Member, line: LineAccess): boolean {
  return line.isMember && (member.role === 'principal' || member.role === 'duty_officer');
}

/** What can be done on a line; each API route and live event names one. */
export const lineActions = ['see', 'read', 'write', 'acknowledge', 'translate', 'call', 'readout', 'notice', 'configure', 'manage'] as const;
export type LineAction = (typeof lineActions)[number];

const speakers: Role[] = ['principal', 'duty_officer'];

/**
 * The whole policy for one line in one place. Speaking for the party
 * (messages, acknowledgements, calls, readouts, notices) is for principals
 * and duty officers named on the line; translators also translate. An admin
 * configures (deadlines, templates, roster) and manages (who of this station
 * is named on it) the lines they can see, but does not speak on them.
 *
 * A discreet line is configured by those it exists for: an admin named on it
 * (or any admin while nobody here is named on it yet), and the principals and
 * duty officers named on it, for their own side. Otherwise an admin, who
 * cannot see it, could never set its roster, and its missed deadlines would
 * escalate to nobody. Naming members stays with admins who can see it.
 */
export function canOnLine(member: Member, line: LineAccess, action: LineAction): boolean {
  switch (action) {
    case 'see':
      return canSeeLine(member, line);
    case 'read':
      return canReadEntries(member, line);
    case 'translate':
      return line.isMember && (speakers.includes(member.role) || member.role === 'translator');
    case 'configure':
      if (!canSeeLine(member, line)) return false;
      return member.role === 'admin' || (line.discreet && line.isMember && speakers.includes(member.role));
    case 'manage':
      return canSeeLine(member, line) && member.role === 'admin';
    default:
      return line.isMember && speakers.includes(member.role);
  }
}

export function canManageLines(member: Member): boolean {
  return member.role === 'admin';
}

export function canManageMembers(member: Member): boolean {
  return member.role === 'admin';
}
