import { HotlineError } from '../../core/errors.ts';
import { parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { lineSettings } from './line-settings.ts';
import type { LineView } from '../../wire/line.ts';

const HELP = `hotline line create --title TITLE [--id ID] [--party VKEY ...] [--member NAME ...] [--discreet]
hotline line list
hotline line show LINE
hotline line settings LINE [--deadline P=DURATION …] [--ring D] [--escalation-step D] [--checks SCHEDULE | --no-checks]

Talks to the station API (--url, --token). --party names each other party by
its verifier key; this station's own party is always included. 'hotline line
settings --help' tells more about a line's deadlines, ring time and check calls.`;

function show(line: LineView): string {
  return [
    `${line.id}  ${line.title}${line.discreet ? '  [discreet]' : ''}`,
    ...line.parties.map((p) => `  party   ${p.key}`),
    `  members ${line.members.join(', ') || '(none)'}`,
  ].join('\n');
}

export async function line(argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub === 'settings') return lineSettings(rest);
  const { values, positionals } = parse('line', rest, {
    ...connectionOptions, title: { type: 'string' }, id: { type: 'string' }, party: { type: 'string', multiple: true }, member: { type: 'string', multiple: true }, discreet: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  if (values.help || !sub) return void console.log(HELP);
  const client = connect(values);
  const print = (v: unknown, text: string) => console.log(values.json ? JSON.stringify(v, null, 2) : text);
  if (sub === 'create') {
    const created = await client.json<LineView>('POST', '/v1/lines', {
      ...(values.id ? { id: values.id } : {}),
      title: required('line create', values.title, 'title'),
      parties: values.party ?? [],
      members: values.member ?? [],
      discreet: values.discreet ?? false,
    });
    return print(created, show(created));
  }
  if (sub === 'list') {
    const { lines } = await client.json<{ lines: LineView[] }>('GET', '/v1/lines');
    return print(lines, lines.map((l) => `${l.id}  ${l.title}${l.discreet ? '  [discreet]' : ''}  (${l.parties.map((p) => p.name).join(', ')})`).join('\n') || '(no lines)');
  }
  if (sub === 'show') {
    const id = positionals[0] ?? required('line show', undefined, 'LINE');
    const l = await client.json<LineView>('GET', `/v1/lines/${encodeURIComponent(id)}`);
    return print(l, show(l));
  }
  throw new HotlineError('bad_request', `line: unknown subcommand '${sub}' (create, list, show, settings)`);
}
