import { HotlineError } from '../../core/errors.ts';
import { addMember } from '../../station/commands/member-creator.ts';
import { defaultDir, parse, readStdin, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { noMorePositionals, output, positional, time } from '../format.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline member add --name NAME --role ROLE (--password-stdin | --password PW) [--dir DIR]
hotline member list [--dir DIR] [--json]
hotline member set NAME [--role ROLE] [--disable | --enable]
hotline member unlock NAME

Roles: principal, duty_officer, translator, auditor, admin. add and list
work on the station directory directly, so they can create the first admin.
set and unlock go through the running station (HOTLINE_URL, an admin's
HOTLINE_TOKEN), so that a disabled member's or a changed role's sessions and
event streams end at once; unlock lifts a lockout after repeated failed
sign-ins.`;

export async function member(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('member', rest, {
    ...connectionOptions, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' },
    disable: { type: 'boolean' }, enable: { type: 'boolean' },
  }, true);
  if (values.help || !sub || sub === '--help' || sub === '-h') return void console.log(HELP);
  const dir = defaultDir(values.dir);
  if (sub === 'add') {
    noMorePositionals('member add', positionals, 0);
    const name = required('member add', values.name, 'name');
    const role = required('member add', values.role, 'role');
    const password = values['password-stdin'] ? await readStdin() : values.password;
    if (!password) throw new HotlineError('bad_request', 'member add: give --password-stdin (or --password)');
    const m = await withLocalStore(dir, (store) => addMember(store, Date.now, { name, role, password }));
    console.log(`member ${m.name} added as ${m.role}`);
    return;
  }
  if (sub === 'list') {
    noMorePositionals('member list', positionals, 0);
    const members = await withLocalStore(dir, (store) => store.listMembers());
    const now = Date.now();
    if (values.json) return void console.log(JSON.stringify(members.map(({ passwordHash: _, ...m }) => m), null, 2));
    for (const m of members) {
      const notes = [m.disabled ? 'disabled' : '', m.lockedUntil && m.lockedUntil > now ? `locked until ${time(m.lockedUntil)}` : ''].filter(Boolean);
      console.log(`${m.name.padEnd(24)} ${m.role}${notes.length ? ` (${notes.join(', ')})` : ''}`);
    }
    return;
  }
  if (sub === 'set') {
    const name = positional('member set', positionals, 0, 'NAME');
    noMorePositionals('member set', positionals, 1);
    if (values.disable && values.enable) throw new HotlineError('bad_request', 'member set: --disable or --enable, not both');
    const change: Record<string, unknown> = {};
    if (values.role !== undefined) change.role = values.role;
    if (values.disable) change.disabled = true;
    if (values.enable) change.disabled = false;
    if (Object.keys(change).length === 0) throw new HotlineError('bad_request', 'member set: give --role ROLE, --disable or --enable');
    const m = await connect(values).json('PATCH', `/v1/members/${encodeURIComponent(name)}`, change);
    output(values.json, m, () => `${m.name}: ${m.role}${m.disabled ? ', disabled' : ''}`);
    return;
  }
  if (sub === 'unlock') {
    const name = positional('member unlock', positionals, 0, 'NAME');
    noMorePositionals('member unlock', positionals, 1);
    const m = await connect(values).json('POST', `/v1/members/${encodeURIComponent(name)}/unlock`);
    output(values.json, m, () => `${m.name} unlocked`);
    return;
  }
  throw new HotlineError('bad_request', `member: unknown subcommand '${sub}' (add, list, set, unlock)`);
}


