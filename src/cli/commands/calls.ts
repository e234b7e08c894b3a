import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { formatMs, itemId, itemPath, linePath, noMorePositionals, output, positional, table, time } from '../format.ts';
import type { CallView } from '../../wire/call.ts';

export type { CallView };

const CALL_HELP = `hotline call LINE [--to NAME] [--party PARTY] [--exercise]      place a call (--exercise: an exercise call, counted apart)
hotline call place LINE [--to NAME] [--party PARTY] (the same, for a line named like a subcommand)
hotline call accept LINE ID
hotline call decline LINE ID [--reason TEXT]
hotline call cancel LINE ID                         withdraw our call while it rings
hotline call end LINE ID                            end an accepted call (either side)

A call rings on the other party's consoles until answered or until the ring
time runs out (then it is recorded unanswered). --party says which party to
call on a line with several; --to names the person asked for. ID is the
call's id as Party:seq (see 'hotline calls LINE'). Voice itself runs in the
browser console; this records the call on the line.`;

const answers = ['accept', 'decline', 'cancel', 'end'] as const;

export async function call(argv: string[]) {
  const { values, positionals } = parse('call', argv, {
    ...connectionOptions, to: { type: 'string' }, party: { type: 'string' }, reason: { type: 'string' }, exercise: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  if (values.help || positionals.length === 0) return void console.log(CALL_HELP);
  const [first] = positionals;
  const client = () => connect(values);
  if ((answers as readonly string[]).includes(first)) {
    const kind = first as (typeof answers)[number];
    const command = `call ${kind}`;
    const line = positional(command, positionals, 1, 'LINE');
    const id = itemId(command, positional(command, positionals, 2, 'ID'));
    noMorePositionals(command, positionals, 3);
    if (values.reason !== undefined && kind !== 'decline') throw new HotlineError('bad_request', `${command}: --reason goes with decline only`);
    if (values.to !== undefined || values.party !== undefined || values.exercise) throw new HotlineError('bad_request', `${command}: --to, --party and --exercise are for placing a call`);
    const r = await client().json('POST', itemPath(line, 'calls', id, `/${kind}`), kind === 'decline' && values.reason ? { reason: values.reason } : {});
    const done = { accept: 'accepted', decline: 'declined', cancel: 'withdrew', end: 'ended' }[kind];
    return void console.log(values.json ? JSON.stringify(r) : `${done} call ${id}: ${r.id} at ${time(r.time)}`);
  }
  const args = first === 'place' ? positionals.slice(1) : positionals;
  const line = positional('call', args, 0, 'LINE');
  noMorePositionals('call', args, 1);
  if (values.reason !== undefined) throw new HotlineError('bad_request', 'call: --reason goes with call decline');
  const r = await client().json('POST', linePath(line, '/calls'), {
    ...(values.to ? { to: values.to } : {}),
    ...(values.party ? { toParty: values.party } : {}),
    ...(values.exercise ? { exercise: true } : {}),
  });
  console.log(values.json ? JSON.stringify(r) : `calling: ${r.id} placed at ${time(r.time)} (see 'hotline calls ${line}')`);
}

const CALLS_HELP = `hotline calls LINE [--json]

Lists the line's calls, newest first: id, time, caller → called party/person,
status (ringing, accepted, declined, unanswered, cancelled, ended), how long
the call lasted, and the reason given with a decline.`;

export async function calls(argv: string[]) {
  const { values, positionals } = parse('calls', argv, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(CALLS_HELP);
  const line = positional('calls', positionals, 0, 'LINE');
  noMorePositionals('calls', positionals, 1);
  const { calls: list } = await connect(values).json<{ calls: CallView[] }>('GET', linePath(line, '/calls'));
  output(values.json, list, () => list.length === 0 ? '(no calls)' : table(
    ['ID', 'TIME', 'CALL', 'STATUS', 'DURATION', 'REASON'],
    list.map((c) => [c.id, time(c.time), callLabel(c), statusOf(c), duration(c), c.answer?.reason]),
  ));
}

export function callLabel(c: CallView): string {
  return `${c.from} (${c.party}) → ${c.to ? `${c.to} (${c.toParty})` : c.toParty}`;
}

function statusOf(c: CallView): string {
  if (c.status === 'ended' && c.endedBy) return `ended by ${c.endedBy}`;
  if ((c.status === 'accepted' || c.status === 'declined') && c.answer?.by) return `${c.status} by ${c.answer.by}`;
  return c.status;
}

function duration(c: CallView): string {
  if (c.durationMs !== null) return formatMs(c.durationMs);
  if (c.status === 'accepted' && c.startedAt !== null) return 'in progress';
  return '-';
}
