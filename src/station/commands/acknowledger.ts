import { HotlineError } from '../../core/errors.ts';
import { ACK_KIND, type AckEntryBody } from '../../core/kinds/ack.ts';
import { parseRefId } from '../../core/kinds/ref.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';
import { lineStateOf, serially } from './line-state-of.ts';

/**
 * A named person acknowledges another party's message, notice or check call.
 * One acknowledgement per party is what counts; a second is refused rather
 * than written, so the record says who answered first.
 */
export async function acknowledge(station: Station, actor: Member, lineId: string, itemId: string): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'acknowledge');
  return serially(station, line.id, async () => {
    const state = await lineStateOf(station, line.id);
    const ref = parseRefId(itemId);
    const item = state.messages.get(itemId) ?? state.notices.get(itemId) ?? state.checks.get(itemId);
    if (!ref || !item) throw new HotlineError('not_found', 'no such message, notice or check call on this line');
    if (item.party === station.name) throw new HotlineError('conflict', 'that item is ours: the other side acknowledges it');
    const mine = item.acks.find((a) => a.party === station.name);
    if (mine) throw new HotlineError('conflict', `already acknowledged by ${mine.by}`, { by: mine.by, time: mine.time });
    const body: AckEntryBody = { ref, by: actor.name };
    const appended = await station.appender.append({ line: line.id, kind: ACK_KIND, body });
    const what = state.messages.has(itemId) ? 'message' : state.notices.has(itemId) ? 'notice' : 'check';
    if (!line.discreet) station.metrics.acknowledgements.inc({ item: what });
    return appended;
  });
}
