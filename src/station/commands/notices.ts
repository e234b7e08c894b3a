import { badRequest, HotlineError } from '../../core/errors.ts';
import { checkArea } from '../../core/notice-area/area.ts';
import { windowProblem } from '../../core/notice-area/band.ts';
import { NOTICE_KIND, NOTICE_WITHDRAW, checkNotice, type NoticeBody, type NoticeEntryBody } from '../../core/kinds/notice.ts';
import { parseRefId } from '../../core/kinds/ref.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';
import { lineStateOf, serially } from './line-state-of.ts';

/** Files a deconfliction notice; overlaps with other parties' notices are found as it is folded. */
export async function fileNotice(station: Station, actor: Member, lineId: string, notice: NoticeBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'notice');
  const problem = checkArea(notice.area) ?? checkNotice(notice) ?? windowProblem(notice.window);
  if (problem) throw badRequest(problem);
  const body: NoticeEntryBody = { ...notice, from: actor.name };
  return station.appender.append({ line: line.id, kind: NOTICE_KIND, body });
}

export async function withdrawNotice(station: Station, actor: Member, lineId: string, noticeId: string, reason?: string): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'notice');
  return serially(station, line.id, async () => {
    const state = await lineStateOf(station, line.id);
    const notice = state.notices.get(noticeId);
    const ref = parseRefId(noticeId);
    if (!notice || !ref) throw new HotlineError('not_found', 'no such notice on this line');
    if (notice.party !== station.name) throw new HotlineError('forbidden', 'only the party that filed a notice can withdraw it');
    if (notice.withdrawn) throw new HotlineError('conflict', 'the notice is already withdrawn');
    return station.appender.append({ line: line.id, kind: NOTICE_WITHDRAW, body: { notice: ref, by: actor.name, ...(reason ? { reason } : {}) } });
  });
}
