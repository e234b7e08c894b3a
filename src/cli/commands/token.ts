import { HotlineError } from '../../core/errors.ts';
import { Auth, credentialId, hashToken } from '../../station/auth.ts';
import { TOKEN_DEFAULT_HOURS, TOKEN_MAX_HOURS, tokenExpiry } from '../../station/sign-in/token-lifetime.ts';
import { recordSecurityEvent } from '../../station/sign-in/security-log.ts';
import { defaultDir, parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { number, output, positional, table, time } from '../format.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline token create --member NAME [--label LABEL] [--hours H] [--dir DIR]
hotline token list [--member NAME] [--json]
hotline token revoke ID

create: issues an API token for a member, on the station directory (the
operator's way in); prints it once. It lasts ${TOKEN_DEFAULT_HOURS} hours (30 days) unless
--hours says otherwise, at most ${TOKEN_MAX_HOURS} (a year).
list: your sessions and tokens on the station (HOTLINE_URL, HOTLINE_TOKEN);
an admin may list another member's. revoke: ends one by its ID (yours, or
anyone's for an admin); event streams opened with it close at once.`;

export async function token(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('token', rest, {
    ...connectionOptions, member: { type: 'string' }, label: { type: 'string' }, hours: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (values.help || !sub || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (sub === 'create') {
    const name = required('token create', values.member, 'member');
    const hours = number('token create', values.hours, 'hours');
    if (hours !== undefined && !(hours > 0 && hours <= TOKEN_MAX_HOURS)) throw new HotlineError('bad_request', `token create: --hours must be more than 0 and at most ${TOKEN_MAX_HOURS} (a year)`);
    const expiresAt = tokenExpiry(Date.now(), hours);
    const issued = await withLocalStore(defaultDir(values.dir), async (store) => {
      const m = await store.memberByName(name);
      if (!m) throw new HotlineError('not_found', `token create: no member named ${name}`);
      const label = values.label ?? 'cli';
      const t = await new Auth(store, Date.now).issue(m.id, 'token', label, expiresAt);
      await recordSecurityEvent(store, Date.now(), { kind: 'token.created', member: name, detail: `"${label}" (${credentialId(hashToken(t))}), expires ${new Date(expiresAt).toISOString()}; by the operator on the station machine` });
      return t;
    });
    console.log(issued);
    return;
  }
  if (sub === 'list') {
    const query = values.member ? `?member=${encodeURIComponent(values.member)}` : '';
    const tokens = await connect(values).json('GET', `/v1/tokens${query}`);
    output(values.json, tokens, () => table(
      ['ID', 'KIND', 'LABEL', 'CREATED', 'EXPIRES', 'LAST USED', ''],
      tokens.map((t: any) => [t.id, t.kind, t.label, time(t.createdAt), t.expiresAt === null ? 'never' : time(t.expiresAt), time(t.lastUsedAt), t.current ? '(this one)' : '']),
    ));
    return;
  }
  if (sub === 'revoke') {
    const id = positional('token revoke', positionals, 0, 'ID');
    if (!/^[0-9a-f]{16}$/.test(id)) throw new HotlineError('bad_request', `token revoke: '${id}' is not a token id (16 hex digits, from 'hotline token list')`);
    await connect(values).json('DELETE', `/v1/tokens/${id}`);
    console.log(`revoked ${id}`);
    return;
  }
  throw new HotlineError('bad_request', `token: unknown subcommand '${sub}' (create, list, revoke)`);
}
