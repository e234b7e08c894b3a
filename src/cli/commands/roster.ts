import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { linePath, output, positional } from '../format.ts';

const HELP = `hotline roster LINE [--json]
hotline roster LINE NAME [NAME …]
hotline roster LINE --clear

The watch roster is who on this station is alerted, in order, when the
other side's deadline on one of our messages passes unanswered: the first
name at once, the next after each escalation step. It stays on this station.
With names (admin), sets it; every name must be a member named on the line.`;

export async function roster(argv: string[]) {
  const { values, positionals } = parse('roster', argv, { ...connectionOptions, clear: { type: 'boolean' }, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(HELP);
  const line = positional('roster', positionals, 0, 'LINE');
  const names = positionals.slice(1);
  if (values.clear && names.length > 0) throw new HotlineError('bad_request', 'roster: give names or --clear, not both');
  if (new Set(names).size !== names.length) throw new HotlineError('bad_request', 'roster: a name appears twice');
  const client = connect(values);
  const setting = values.clear || names.length > 0;
  const r = setting
    ? await client.json<{ members: string[] }>('PUT', linePath(line, '/roster'), { members: names })
    : await client.json<{ members: string[] }>('GET', linePath(line, '/roster'));
  output(values.json, r, () => {
    const head = setting ? `watch roster of ${line} set:` : `watch roster of ${line}:`;
    return r.members.length === 0 ? `${head} (empty: nobody is alerted)` : [head, ...r.members.map((m, i) => `  ${i + 1}. ${m}`)].join('\n');
  });
}
