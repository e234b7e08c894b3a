import { HotlineError } from '../../core/errors.ts';
import { translationStages } from '../../core/kinds/translation.ts';
import { integer, parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { itemId, itemPath, linePath, noMorePositionals, output, positional, table, time, truncate } from '../format.ts';
import type { MessageView } from '../../wire/message.ts';

const MESSAGES_HELP = `hotline messages LINE [--open] [--limit N] [--json]

Lists the line's messages, newest first: id, time, precedence, who sent it,
its status (sent, delivered to every other party, acknowledged, or overdue:
not acknowledged by its deadline), the text cut to fit, and how many
translations it has. --open shows only those still waiting for an
acknowledgement.`;

export async function messages(argv: string[]) {
  const { values, positionals } = parse('messages', argv, { ...connectionOptions, open: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(MESSAGES_HELP);
  const line = positional('messages', positionals, 0, 'LINE');
  noMorePositionals('messages', positionals, 1);
  const limit = integer('messages', values.limit, 'limit');
  const query = new URLSearchParams();
  if (values.open) query.set('open', 'true');
  if (limit !== undefined) query.set('limit', String(limit));
  const page = await connect(values).json<{ messages: MessageView[] }>('GET', linePath(line, `/messages${query.toString() ? `?${query}` : ''}`));
  output(values.json, page.messages, () => {
    if (page.messages.length === 0) return values.open ? '(no messages waiting for an acknowledgement)' : '(no messages)';
    return table(
      ['ID', 'TIME', 'PRECEDENCE', 'FROM', 'STATUS', 'TEXT', 'TR'],
      page.messages.map((m) => [m.id, time(m.time), m.precedence, `${m.from} (${m.party})`, statusOf(m), truncate(m.text, 48), m.translations.length]),
    );
  });
}

function statusOf(m: MessageView): string {
  if (m.status === 'acknowledged') return `acknowledged${m.acks.length ? ` by ${m.acks.map((a) => `${a.by} (${a.party})`).join(', ')}` : ''}`;
  return m.status;
}

const ACK_HELP = `hotline ack LINE ID [--json]

Acknowledges another party's message, notice or check call (ID as Party:seq,
e.g. Washington:12) in your name. Only the first acknowledgement from your
party counts; a second is refused.`;

export async function ack(argv: string[]) {
  const { values, positionals } = parse('ack', argv, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(ACK_HELP);
  const line = positional('ack', positionals, 0, 'LINE');
  const id = itemId('ack', positional('ack', positionals, 1, 'ID'));
  noMorePositionals('ack', positionals, 2);
  const r = await connect(values).json('POST', itemPath(line, 'items', id, '/ack'));
  console.log(values.json ? JSON.stringify(r) : `acknowledged ${id}: ${r.id} at ${time(r.time)}`);
}

const TRANSLATE_HELP = `hotline translate LINE ID --lang LANG --stage sight|rough|official TEXT… [--json]

Attaches a translation of message ID beside the untouched original. Stages:
sight (read off at once), rough (a working draft), official (the agreed text).`;

export async function translate(argv: string[]) {
  const { values, positionals } = parse('translate', argv, { ...connectionOptions, lang: { type: 'string' }, stage: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(TRANSLATE_HELP);
  const line = positional('translate', positionals, 0, 'LINE');
  const id = itemId('translate', positional('translate', positionals, 1, 'ID'));
  const text = positionals.slice(2).join(' ');
  const lang = required('translate', values.lang, 'lang');
  const stage = required('translate', values.stage, 'stage');
  if (!(translationStages as readonly string[]).includes(stage)) throw new HotlineError('bad_request', `translate: --stage must be one of ${translationStages.join(', ')}, not '${stage}'`);
  if (!text.trim()) throw new HotlineError('bad_request', 'translate: the translation text is required (hotline translate LINE ID --lang xx --stage STAGE TEXT…)');
  const r = await connect(values).json('POST', itemPath(line, 'messages', id, '/translations'), { text, lang, stage });
  console.log(values.json ? JSON.stringify(r) : `translation of ${id} (${lang}, ${stage}): ${r.id} at ${time(r.time)}`);
}
