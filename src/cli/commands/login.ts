import { HotlineError } from '../../core/errors.ts';
import { parse, readStdin, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';

export async function login(argv: string[]) {
  const { values } = parse('login', argv, { ...connectionOptions, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, password: { type: 'string' } });
  if (values.help) return void console.log('hotline login --url URL --name NAME --password-stdin\n\nPrints a session token; use it as HOTLINE_TOKEN.');
  const name = required('login', values.name, 'name');
  const password = values['password-stdin'] ? await readStdin() : values.password;
  if (!password) throw new HotlineError('bad_request', 'login: give --password-stdin (or --password)');
  const session = await connect(values, false).json('POST', '/v1/session', { name, password });
  console.log(session.token);
}
