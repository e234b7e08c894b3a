import { HotlineError } from '../../core/errors.ts';
import { integer, parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { linePath, precedence, time } from '../format.ts';

const HELP = `hotline send LINE TEXT… [--precedence FLASH|IMMEDIATE|PRIORITY|ROUTINE] [--lang en] [--exercise]
hotline send LINE --template N [--lang ru] [--precedence P]
hotline send --line LINE --text TEXT [--lang en]

Appends a message to your party's log on the line and returns once it is on
disk, printing its id (Party:seq) and time. --precedence sets how soon the
other side must acknowledge (default ROUTINE, or the template's own);
--template sends the line's pre-agreed template N in --lang (default: its
first language) instead of text. See 'hotline templates LINE'. --exercise
marks the message as exercise traffic: shown as EXERCISE everywhere, counted
apart in the contact history.`;

export async function send(argv: string[]) {
  const { values, positionals } = parse('send', argv, {
    ...connectionOptions, line: { type: 'string' }, text: { type: 'string' }, lang: { type: 'string' }, precedence: { type: 'string' }, template: { type: 'string' }, exercise: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  if (values.help) return void console.log(HELP);
  // The line is --line or the first word; the text is --text or every word after the line.
  const line = values.line ?? positionals[0];
  const words = values.line !== undefined ? positionals : positionals.slice(1);
  if (!line) throw new HotlineError('bad_request', 'send: which line? (hotline send LINE TEXT…)');
  if (values.text !== undefined && words.length > 0) throw new HotlineError('bad_request', 'send: give the text either with --text or as words, not both');
  const text = values.text ?? (words.length > 0 ? words.join(' ') : undefined);
  const template = integer('send', values.template, 'template');
  const prec = precedence('send', values.precedence);
  if (template !== undefined && text !== undefined) throw new HotlineError('bad_request', 'send: send either text or --template N, not both');
  if (template === undefined && !text) throw new HotlineError('bad_request', 'send: the message needs text (or --template N)');
  if (template !== undefined && (template < 1 || template > 999)) throw new HotlineError('bad_request', 'send: --template must be between 1 and 999');
  const r = await connect(values).json('POST', linePath(line, '/messages'), {
    ...(template !== undefined ? { template } : { text }),
    ...(values.lang ? { lang: values.lang } : {}),
    ...(prec ? { precedence: prec } : {}),
    ...(values.exercise ? { exercise: true } : {}),
  });
  console.log(values.json ? JSON.stringify(r) : `sent ${r.id} at ${time(r.time)}`);
}
