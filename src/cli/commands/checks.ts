import { slotLabel, type CheckSchedule } from '../../core/check-schedule/schedule.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { linePath, noMorePositionals, output, positional, table, time } from '../format.ts';
import { scheduleText } from './line-settings.ts';
import type { CheckView } from '../../wire/check.ts';

const HELP = `hotline checks LINE [--json]

Lists the line's check calls, both directions, newest first: the scheduled
slot, who sent it, its status (waiting, answered, late, missed), who
acknowledged it and, for a missed one, the state of the link to each silent
party when it was missed (down: the line failed; up: nobody answered). Then
this party's schedule and its next check call. Acknowledge one with
'hotline ack LINE ID'.`;

export async function checks(argv: string[]) {
  const { values, positionals } = parse('checks', argv, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(HELP);
  const line = positional('checks', positionals, 0, 'LINE');
  noMorePositionals('checks', positionals, 1);
  const r = await connect(values).json<{ checks: CheckView[]; schedule: CheckSchedule | null; next: number | null }>('GET', linePath(line, '/checks'));
  output(values.json, r, () => {
    const out = [r.checks.length === 0 ? '(no check calls yet)' : table(
      ['ID', 'SLOT', 'FROM', 'STATUS', 'ACKS', 'MISSED (link then)'],
      r.checks.map((c) => [
        c.id, c.slot, c.party, c.status,
        [...c.acks.map((a) => `${a.party}: ${a.by} ${time(a.time)}${a.late ? ' (late)' : ''}`), ...(c.status === 'waiting' ? c.silent.map((p) => `${p}: waiting`) : [])].join('; '),
        missedText(c),
      ]),
    )];
    out.push('');
    if (r.schedule && r.next !== null) out.push(`schedule: ${scheduleText(r.schedule)}`, `next check call: ${slotLabel(r.schedule, r.next)} (${time(r.next)})`);
    else out.push('no check calls scheduled by this party (set them with \'hotline line settings LINE --checks …\')');
    return out.join('\n');
  });
}

function missedText(c: CheckView): string {
  if (c.status !== 'missed') return '';
  const record = c.missed[0];
  if (!record) return `silent: ${c.silent.join(', ')} (not yet recorded)`;
  return c.silent.map((p) => `${p}: link ${record.link[p] ?? 'unknown'}`).join('; ');
}
