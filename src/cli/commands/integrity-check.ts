import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import type { IntegrityRun } from '../../wire/integrity.ts';

type Run = IntegrityRun;

const HELP = `hotline integrity-check [--status] [--no-wait]

Asks the station (admin) to re-check every stored log in full: every entry's
signature, every stored tree node, and each log's root against its latest
signed checkpoint. The station keeps serving while it runs. Waits for the
result unless --no-wait; --status only prints the running and the last check.
Exits 10 (integrity) when the check found stored history that does not match
what was signed.`;

export async function integrityCheck(argv: string[]): Promise<number | void> {
  const { values } = parse('integrity-check', argv, { ...connectionOptions, status: { type: 'boolean' }, 'no-wait': { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const client = connect(values);
  const path = '/v1/station/integrity-check';
  const reply = values.status
    ? await client.json<{ running: Run | null; last: Run | null }>('GET', path)
    : await client.json<{ running: Run | null; last: Run | null }>('POST', `${path}?wait=${values['no-wait'] ? 'false' : 'true'}`);
  if (reply.running) console.log(`running   since ${new Date(reply.running.started).toISOString()} (${reply.running.reason}): ${reply.running.logs} logs, ${reply.running.entries} entries so far`);
  if (reply.last) {
    const l = reply.last;
    console.log(`last      ${l.state} at ${new Date(l.finished ?? l.started).toISOString()} (${l.reason}): ${l.logs} logs, ${l.entries} entries`);
    if (l.failure) console.log(`failure   ${l.failure}`);
    if (l.state === 'failed' && !values.status && !values['no-wait']) throw new HotlineError('integrity', l.failure ?? 'the integrity check failed');
  }
  if (!reply.running && !reply.last) console.log('no integrity check has run since the station started');
}
