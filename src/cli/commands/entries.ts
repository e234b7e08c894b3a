import { integer, parse, required } from '../args.ts';
import { connect, connectionOptions, } from '../connection.ts';
import { logPath } from '../client.ts';

export async function entries(argv: string[]) {
  const { values } = parse('entries', argv, { ...connectionOptions, line: { type: 'string' }, party: { type: 'string' }, start: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return void console.log('hotline entries --line LINE --party PARTY [--start N] [--limit N] [--json]\n\nLists entries of one party\'s log on the line, in order.');
  const line = required('entries', values.line, 'line');
  const party = required('entries', values.party, 'party');
  const start = integer('entries', values.start, 'start') ?? 0;
  const limit = integer('entries', values.limit, 'limit') ?? 100;
  const page = await connect(values).json('GET', `${logPath(line, party)}entries?start=${start}&limit=${limit}`);
  if (values.json) return void console.log(JSON.stringify(page, null, 2));
  for (const e of page.entries) {
    const body = e.kind === 'message' ? `${e.body.from ?? ''}: ${e.body.text}` : JSON.stringify(e.body);
    console.log(`#${e.seq}  ${new Date(e.time).toISOString()}  ${e.kind}  ${body}`);
  }
  if (page.next !== null) console.log(`(more: --start ${page.next})`);
}
