import { parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';

export async function send(argv: string[]) {
  const { values } = parse('send', argv, { ...connectionOptions, line: { type: 'string' }, text: { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return void console.log('hotline send --line LINE --text TEXT [--lang en]\n\nAppends a message to your party\'s log on the line; returns once it is on disk.');
  const line = required('send', values.line, 'line');
  const text = required('send', values.text, 'text');
  const r = await connect(values).json('POST', `/v1/lines/${encodeURIComponent(line)}/messages`, { text, ...(values.lang ? { lang: values.lang } : {}) });
  console.log(values.json ? JSON.stringify(r) : `sent: ${r.party} #${r.seq} (leaf ${r.leafHash})`);
}
