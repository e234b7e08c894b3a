import { HotlineError } from '../../core/errors.ts';
import { addMember } from '../../station/commands/member-creator.ts';
import { defaultDir, parse, readStdin, required } from '../args.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline member add --name NAME --role ROLE (--password-stdin | --password PW) [--dir DIR]
hotline member list [--dir DIR]

Roles: principal, duty_officer, translator, auditor, admin. Works on the
station directory directly, so it can create the first admin.`;

export async function member(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values } = parse('member', rest, {
    name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean' }, dir: { type: 'string' }, json: { type: 'boolean' },
  });
  if (values.help || !sub) return void console.log(HELP);
  const dir = defaultDir(values.dir);
  if (sub === 'add') {
    const name = required('member add', values.name, 'name');
    const role = required('member add', values.role, 'role');
    const password = values['password-stdin'] ? await readStdin() : values.password;
    if (!password) throw new HotlineError('bad_request', 'member add: give --password-stdin (or --password)');
    const m = await withLocalStore(dir, (store) => addMember(store, Date.now, { name, role, password }));
    console.log(`member ${m.name} added as ${m.role}`);
    return;
  }
  if (sub === 'list') {
    const members = await withLocalStore(dir, (store) => store.listMembers());
    if (values.json) return void console.log(JSON.stringify(members.map(({ passwordHash: _, ...m }) => m), null, 2));
    for (const m of members) console.log(`${m.name.padEnd(24)} ${m.role}${m.disabled ? ' (disabled)' : ''}`);
    return;
  }
  throw new HotlineError('bad_request', `member: unknown subcommand '${sub}' (add, list)`);
}
