import { badRequest, HotlineError } from '../../core/errors.ts';
import { MESSAGE_KIND, type MessageBody, type MessageEntryBody } from '../../core/kinds/message.ts';
import { TRANSLATION_KIND, type TranslationBody, type TranslationEntryBody } from '../../core/kinds/translation.ts';
import { parseRefId } from '../../core/kinds/ref.ts';
import { ownSettings } from '../../core/line-state/due.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';
import { lineStateOf } from './line-state-of.ts';

/**
 * Appends a message to this party's log on the line; resolves once it is on
 * disk. The deadline for the other side is written into the signed entry
 * from this party's line settings, so both sides judge "overdue" alike.
 */
export async function sendMessage(station: Station, actor: Member, lineId: string, body: MessageBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'write');
  const state = await lineStateOf(station, line.id);
  let text = body.text;
  let precedence = body.precedence;
  if (body.template !== undefined) {
    const template = state.templates.get(body.template);
    if (!template) throw badRequest(`this line has no template ${body.template}`);
    if (body.text !== undefined) throw badRequest('send either text or a template, not both');
    const lang = body.lang ?? Object.keys(template.texts)[0];
    text = template.texts[lang];
    if (text === undefined) throw badRequest(`template ${body.template} has no text in ${lang}; it has ${Object.keys(template.texts).join(', ')}`);
    precedence ??= template.precedence;
    body = { ...body, lang };
  }
  if (text === undefined) throw badRequest('a message needs text or a template');
  precedence ??= 'ROUTINE';
  const settings = ownSettings(state);
  const stored: MessageEntryBody = {
    text, from: actor.name, precedence, ackBy: station.clock() + settings.deadlines[precedence] * 1000,
    ...(body.lang ? { lang: body.lang } : {}),
    ...(body.template !== undefined ? { template: body.template } : {}),
    ...(body.exercise ? { exercise: true as const } : {}),
  };
  return station.appender.append({ line: line.id, kind: MESSAGE_KIND, body: stored });
}

/** Attaches a translation beside a message; the original is never touched. */
export async function translateMessage(station: Station, actor: Member, lineId: string, messageId: string, body: TranslationBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'translate');
  const state = await lineStateOf(station, line.id);
  const ref = parseRefId(messageId);
  if (!ref || !state.messages.has(messageId)) throw new HotlineError('not_found', 'no such message on this line');
  const stored: TranslationEntryBody = { ref, text: body.text, lang: body.lang, stage: body.stage, translator: actor.name };
  return station.appender.append({ line: line.id, kind: TRANSLATION_KIND, body: stored });
}
