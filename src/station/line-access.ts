import { lineNotFound, HotlineError } from '../core/errors.ts';
import { canOnLine, canSeeLine, type LineAction, type Member } from '../core/policy.ts';
import type { LineRecord, Store } from './storage/store.ts';

export type LineNeed = LineAction;

const refusals: Record<LineAction, string> = {
  see: 'you may not see this line',
  read: 'you are not named on this line',
  write: 'only principals and duty officers named on this line may write to it',
  acknowledge: 'only principals and duty officers named on this line may acknowledge',
  translate: 'only translators, principals and duty officers named on this line may translate',
  call: 'only principals and duty officers named on this line may place or answer calls',
  readout: 'only principals and duty officers named on this line may write readouts',
  notice: 'only principals and duty officers named on this line may file notices',
  configure: 'only an admin, or on a discreet line a principal or duty officer named on it, may configure this line',
  manage: 'only an admin may change who is named on a line',
};

export function lineAccess(line: LineRecord, member: Member) {
  return { discreet: line.discreet, isMember: line.memberIds.includes(member.id), unassigned: line.memberIds.length === 0 };
}

/**
 * The one gate to a line. A line the member may not see answers exactly like
 * a line that does not exist; one they may see but not use is a 403.
 */
export async function lineFor(store: Store, member: Member, id: string, need: LineNeed): Promise<LineRecord> {
  const line = await store.line(id);
  if (!line) throw lineNotFound();
  const access = lineAccess(line, member);
  if (!canSeeLine(member, access)) throw lineNotFound();
  if (!canOnLine(member, access, need)) throw new HotlineError('forbidden', refusals[need]);
  return line;
}
