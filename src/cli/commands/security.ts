import { writeFileSync } from 'node:fs';
import { HotlineError } from '../../core/errors.ts';
import { roles } from '../../wire/role.ts';
import { integer, parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { isoTime, noMorePositionals, output, table, time, truncate } from '../format.ts';

const HELP = `hotline security log [--since TIME] [--limit N] [--json] [--export FILE]
hotline security policy [--json]
hotline security policy [--require ROLE[,ROLE…]] [--optional ROLE[,ROLE…]] [--idle-minutes N] [--lockout-failures N] [--lockout-minutes N]

log: the station's security log (sign-ins, failures, lockouts, second
factors, tokens, member, role, policy and peer pin changes), for auditors and
admins. --export writes it as JSON lines to FILE. policy: shows the sign-in
policy, or (an admin) changes it: --require makes a second factor mandatory
for those roles, --optional lifts that; the idle timeout of sessions; how many
failed sign-ins in a row lock an account and for how long.`;

export async function security(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('security', rest, {
    ...connectionOptions, since: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, export: { type: 'string' },
    require: { type: 'string' }, optional: { type: 'string' }, 'idle-minutes': { type: 'string' }, 'lockout-failures': { type: 'string' }, 'lockout-minutes': { type: 'string' },
  }, true);
  if (values.help || !sub || sub === '--help' || sub === '-h') return void console.log(HELP);
  noMorePositionals(`security ${sub}`, positionals, 0);
  const client = connect(values);
  if (sub === 'log') {
    const query = new URLSearchParams();
    if (values.since !== undefined) query.set('since', String(isoTime('security log', values.since, 'since')));
    const limit = integer('security log', values.limit, 'limit');
    if (limit !== undefined) query.set('limit', String(limit));
    if (values.export !== undefined) {
      query.set('format', 'jsonl');
      const text = await client.text(`/v1/security/log?${query}`);
      writeFileSync(values.export, text, { mode: 0o600 });
      console.log(`wrote ${text.split('\n').filter(Boolean).length} events to ${values.export}`);
      return;
    }
    const { events } = await client.json('GET', `/v1/security/log${query.size ? `?${query}` : ''}`);
    output(values.json, events, () => events.length === 0 ? '(no events)' : table(
      ['TIME', 'KIND', 'MEMBER', 'BY', 'FROM', 'DETAIL'],
      events.map((e: any) => [time(e.time), e.kind, e.member, e.actor, e.address, truncate(e.detail, 80)]),
    ));
    return;
  }
  if (sub === 'policy') {
    let policy = await client.json('GET', '/v1/security/policy');
    const roleList = (flag: string, v: string | undefined) => {
      const list = (v ?? '').split(',').map((r) => r.trim()).filter(Boolean);
      for (const r of list) if (!(roles as readonly string[]).includes(r)) throw new HotlineError('bad_request', `security policy: --${flag}: '${r}' is not a role (${roles.join(', ')})`);
      return list;
    };
    const required = roleList('require', values.require);
    const optional = roleList('optional', values.optional);
    const idle = integer('security policy', values['idle-minutes'], 'idle-minutes');
    const failures = integer('security policy', values['lockout-failures'], 'lockout-failures');
    const minutes = integer('security policy', values['lockout-minutes'], 'lockout-minutes');
    if (required.length || optional.length || idle !== undefined || failures !== undefined || minutes !== undefined) {
      const secondFactor = { ...policy.secondFactor };
      for (const r of required) secondFactor[r] = true;
      for (const r of optional) secondFactor[r] = false;
      policy = await client.json('PUT', '/v1/security/policy', {
        secondFactor, idleMinutes: idle ?? policy.idleMinutes, lockout: { failures: failures ?? policy.lockout.failures, minutes: minutes ?? policy.lockout.minutes },
      });
    }
    output(values.json, policy, () => [
      `second factor required for: ${roles.filter((r) => policy.secondFactor[r]).join(', ') || '(no role)'}`,
      `sessions end after ${policy.idleMinutes} minutes unused`,
      `${policy.lockout.failures} failed sign-ins in a row lock an account for ${policy.lockout.minutes} minutes`,
    ].join('\n'));
    return;
  }
  throw new HotlineError('bad_request', `security: unknown subcommand '${sub}' (log, policy)`);
}
