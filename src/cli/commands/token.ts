import { HotlineError } from '../../core/errors.ts';
import { Auth } from '../../station/auth.ts';
import { defaultDir, parse, required } from '../args.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline token create --member NAME [--label LABEL] [--hours H] [--dir DIR]

Issues an API token for a member (for automation); prints it once.`;

export async function token(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values } = parse('token', rest, { member: { type: 'string' }, label: { type: 'string' }, hours: { type: 'string' }, dir: { type: 'string' } });
  if (values.help || !sub) return void console.log(HELP);
  if (sub !== 'create') throw new HotlineError('bad_request', `token: unknown subcommand '${sub}' (create)`);
  const name = required('token create', values.member, 'member');
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  if (hours !== undefined && !(hours > 0)) throw new HotlineError('bad_request', 'token create: --hours must be a positive number');
  const issued = await withLocalStore(defaultDir(values.dir), async (store) => {
    const m = await store.memberByName(name);
    if (!m) throw new HotlineError('not_found', `token create: no member named ${name}`);
    return new Auth(store, Date.now).issue(m.id, 'token', values.label ?? 'cli', hours ? Date.now() + hours * 3600_000 : null);
  });
  console.log(issued);
}
