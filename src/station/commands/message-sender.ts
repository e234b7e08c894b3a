import { MESSAGE_KIND, type MessageBody, type MessageEntryBody } from '../../core/kinds/message.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';

/** Appends a message to this party's log on the line; resolves once it is on disk. */
export async function sendMessage(station: Station, actor: Member, lineId: string, body: MessageBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'write');
  const stored: MessageEntryBody = body.lang ? { text: body.text, lang: body.lang, from: actor.name } : { text: body.text, from: actor.name };
  const appended = await station.appender.append({ line: line.id, kind: MESSAGE_KIND, body: stored });
  if (!line.discreet) station.metrics.appends.inc();
  return appended;
}
