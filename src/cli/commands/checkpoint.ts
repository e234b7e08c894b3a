import { parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { logPath } from '../client.ts';

export async function checkpoint(argv: string[]) {
  const { values } = parse('checkpoint', argv, { ...connectionOptions, line: { type: 'string' }, party: { type: 'string' } });
  if (values.help) return void console.log('hotline checkpoint --line LINE --party PARTY\n\nPrints the log\'s latest checkpoint as a C2SP signed note.');
  const line = required('checkpoint', values.line, 'line');
  const party = required('checkpoint', values.party, 'party');
  process.stdout.write(await connect(values).text(`${logPath(line, party)}checkpoint`));
}
