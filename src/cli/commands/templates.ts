import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { linePath, noMorePositionals, output, positional, precedence, table, time, truncate } from '../format.ts';
import { isLanguageTag } from '../../wire/language.ts';
import type { TemplateView } from '../../wire/line-config.ts';

const HELP = `hotline template set LINE N --text LANG=TEXT [--text LANG=TEXT …] [--title TITLE] [--precedence P]
hotline templates LINE [--json]

Templates are the line's pre-agreed, numbered messages, each in several
languages (up to 8), sent by number: 'hotline send LINE --template N --lang ru'.
Defining template N again (admin) replaces it; both definitions stay on record.
  hotline template set deconfliction 1 --title "Receipt" --text en="Message received" --text ru="Сообщение получено"`;

export async function template(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('template', rest, {
    ...connectionOptions, text: { type: 'string', multiple: true }, title: { type: 'string' }, precedence: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (values.help || !sub || sub === 'help' || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (sub !== 'set') throw new HotlineError('bad_request', `template: unknown subcommand '${sub}' (set; 'hotline templates LINE' lists them)`);
  const command = 'template set';
  const line = positional(command, positionals, 0, 'LINE');
  const n = positional(command, positionals, 1, 'N');
  noMorePositionals(command, positionals, 2);
  if (!/^\d{1,3}$/.test(n) || Number(n) < 1) throw new HotlineError('bad_request', `${command}: N must be a number from 1 to 999, not '${n}'`);
  const texts: Record<string, string> = {};
  for (const t of values.text ?? []) {
    const m = /^([^=]+)=([\s\S]*)$/.exec(t);
    if (!m || !isLanguageTag(m[1])) throw new HotlineError('bad_request', `${command}: --text must be LANG=TEXT with a language tag such as en or ru, not '${truncate(t, 30)}'`);
    if (!m[2].trim()) throw new HotlineError('bad_request', `${command}: the ${m[1]} text is empty`);
    if (m[1] in texts) throw new HotlineError('bad_request', `${command}: two texts in ${m[1]}`);
    texts[m[1]] = m[2];
  }
  if (Object.keys(texts).length === 0) throw new HotlineError('bad_request', `${command}: give at least one --text LANG=TEXT`);
  const prec = precedence(command, values.precedence);
  const r = await connect(values).json('PUT', linePath(line, `/templates/${Number(n)}`), {
    texts, ...(values.title ? { title: values.title } : {}), ...(prec ? { precedence: prec } : {}),
  });
  console.log(values.json ? JSON.stringify(r) : `template ${Number(n)} defined (${Object.keys(texts).join(', ')}): ${r.id} at ${time(r.time)}`);
}

export async function templates(argv: string[]) {
  const { values, positionals } = parse('templates', argv, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(HELP);
  const line = positional('templates', positionals, 0, 'LINE');
  noMorePositionals('templates', positionals, 1);
  const { templates: list } = await connect(values).json<{ templates: TemplateView[] }>('GET', linePath(line, '/templates'));
  output(values.json, list, () => list.length === 0 ? '(no templates)' : table(
    ['N', 'TITLE', 'PRECEDENCE', 'LANG', 'TEXT', 'DEFINED'],
    list.flatMap((t) => Object.entries(t.texts).map(([lang, text], i) => i === 0
      ? [t.number, t.title, t.precedence, lang, truncate(text, 60), `${t.definedBy} ${time(t.time)}`]
      : ['', '', '', lang, truncate(text, 60), ''])),
  ));
}
