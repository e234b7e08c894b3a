import type WebSocket from 'ws';
import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { noMorePositionals } from '../format.ts';

const HELP = `hotline events [--line LINE]

Follows the station's live event stream (entries as they are written or
arrive, messages, calls ringing and answered, notices, conflicts, check calls,
deadlines, link status) and prints each event as one line of JSON, until
interrupted (Ctrl-C exits 0). --line keeps only the events of that line.
You hear only of lines you may read. A note on who is listening goes to
standard error, so standard output is JSON lines only.`;

export async function events(argv: string[]) {
  const { values, positionals } = parse('events', argv, { ...connectionOptions, line: { type: 'string' } }, true);
  if (values.help) return void console.log(HELP);
  noMorePositionals('events', positionals, 0);
  if (values.line === '') throw new HotlineError('bad_request', 'events: --line needs a line id');
  const onMessage = (data: WebSocket.RawData) => {
    let event: { type?: string; line?: string; station?: string; member?: { name: string; role: string } };
    try {
      event = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (event.type === 'hello') {
      console.error(`listening to ${event.station} as ${event.member?.name} (${event.member?.role})${values.line ? `, line ${values.line}` : ''}; Ctrl-C to stop`);
      return;
    }
    if (values.line !== undefined && event.line !== values.line) return;
    process.stdout.write(`${JSON.stringify(event)}\n`);
  };
  const ws = await connect(values).socket('/v1/events', onMessage);
  return new Promise<number>((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      stopping = true;
      ws.close(1000, 'bye');
      // A station that does not answer the close is not waited for.
      setTimeout(() => ws.terminate(), 1000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    ws.on('error', () => undefined); // 'close' follows and says what happened
    ws.on('close', (code, reason) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (stopping) resolve(0);
      else reject(new HotlineError('unavailable', `the station closed the event stream (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    });
  });
}
