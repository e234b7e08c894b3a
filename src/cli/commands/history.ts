import { HotlineError } from '../../core/errors.ts';
import { precedences } from '../../wire/precedence.ts';
import type { ContactHistory } from '../../core/line-state/history.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { formatMs, isoTime, linePath, noMorePositionals, output, positional, table, time } from '../format.ts';

const HELP = `hotline history LINE [--from TIME] [--to TIME] [--csv | --json]

The line's contact history over [--from, --to) (ISO 8601; a time without an
offset is UTC; default: all of it): calls in total, calls per pair of
principals (attempts, accepted, declined, unanswered, when they last spoke),
the median time to acknowledge a message by precedence, and how the check
calls went. --csv prints the call timeline as CSV, exactly as the station
gives it (hotline history LINE --csv > history.csv).`;

export async function history(argv: string[]) {
  const { values, positionals } = parse('history', argv, { ...connectionOptions, from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'boolean' }, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(HELP);
  const line = positional('history', positionals, 0, 'LINE');
  noMorePositionals('history', positionals, 1);
  if (values.csv && values.json) throw new HotlineError('bad_request', 'history: --csv or --json, not both');
  const query = new URLSearchParams();
  const from = values.from === undefined ? undefined : isoTime('history', values.from, 'from');
  const to = values.to === undefined ? undefined : isoTime('history', values.to, 'to');
  if (from !== undefined && to !== undefined && to <= from) throw new HotlineError('bad_request', 'history: --to must be after --from');
  if (from !== undefined) query.set('from', String(from));
  if (to !== undefined) query.set('to', String(to));
  const client = connect(values);
  if (values.csv) {
    query.set('format', 'csv');
    return void process.stdout.write(await client.text(linePath(line, `/history?${query}`)));
  }
  const h = await client.json<ContactHistory>('GET', linePath(line, `/history${query.toString() ? `?${query}` : ''}`));
  output(values.json, h, () => historyText(h));
}

function historyText(h: ContactHistory): string {
  const period = h.from === null && h.to === null ? 'all time' : `${h.from === null ? 'the start' : time(h.from)} to ${h.to === null ? 'now' : time(h.to)}`;
  const c = h.calls;
  const out = [
    `contact history of ${h.line}, ${period}`,
    '',
    `calls: ${c.attempts} placed, ${c.accepted} accepted, ${c.declined} declined, ${c.unanswered} unanswered, ${c.cancelled} withdrawn; last spoke ${c.lastSpoke === null ? 'never' : time(c.lastSpoke)}`,
  ];
  if (h.pairs.length > 0) {
    out.push('', table(
      ['CALLER', 'CALLEE', 'ATTEMPTS', 'ACCEPTED', 'DECLINED', 'UNANSWERED', 'LAST SPOKE', 'TALK TIME'],
      h.pairs.map((p) => [
        `${p.caller.name} (${p.caller.party})`, `${p.callee.name ?? 'anyone'} (${p.callee.party})`,
        p.attempts, p.accepted, p.declined, p.unanswered, p.lastSpoke === null ? 'never' : time(p.lastSpoke), p.talkMs ? formatMs(p.talkMs) : '-',
      ]),
    ));
  }
  out.push('', 'median time to acknowledge:', table(
    ['PRECEDENCE', 'MEDIAN', 'MESSAGES'],
    precedences.map((p) => [p, h.ackMedianMs[p].medianMs === null ? '-' : formatMs(h.ackMedianMs[p].medianMs), h.ackMedianMs[p].count]),
  ));
  const k = h.checks;
  out.push('', `check calls: ${k.sent} sent, ${k.answered} answered, ${k.late} late, ${k.missed} missed (${k.missedWhileLinkUp} with the link up, ${k.missedWhileLinkDown} with it down)`);
  return out.join('\n');
}
