import { lineNotFound, HotlineError } from '../core/errors.ts';
import { canReadEntries, canSeeLine, canWriteMessages, type Member } from '../core/policy.ts';
import type { LineRecord, Store } from './storage/store.ts';

export type LineNeed = 'see' | 'read' | 'write';

const allowed = { see: canSeeLine, read: canReadEntries, write: canWriteMessages };

/**
 * The one gate to a line. A line the member may not see answers exactly like
 * a line that does not exist; one they may see but not use is a 403.
 */
export async function lineFor(store: Store, member: Member, id: string, need: LineNeed): Promise<LineRecord> {
  const line = await store.line(id);
  if (!line) throw lineNotFound();
  const access = { discreet: line.discreet, isMember: line.memberIds.includes(member.id), unassigned: line.memberIds.length === 0 };
  if (!canSeeLine(member, access)) throw lineNotFound();
  if (!allowed[need](member, access)) {
    throw new HotlineError('forbidden', need === 'write' ? 'only principals and duty officers named on this line may write to it' : 'you are not named on this line');
  }
  return line;
}
