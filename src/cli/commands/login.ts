import { HotlineError } from '../../core/errors.ts';
import { parse, readStdin, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';

const HELP = `hotline login --url URL --name NAME --password-stdin [--totp CODE | --recovery CODE]

Signs in and prints a session token; use it as HOTLINE_TOKEN. A member with a
second factor also gives the code from their authenticator app (--totp) or
one of their recovery codes (--recovery, each works once). Passkeys are used
from the console. The session ends after the station's session lifetime, or
sooner when unused for the idle timeout, or at 'hotline logout'.`;

export async function login(argv: string[]) {
  const { values } = parse('login', argv, {
    ...connectionOptions, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, password: { type: 'string' }, totp: { type: 'string' }, recovery: { type: 'string' },
  });
  if (values.help) return void console.log(HELP);
  const name = required('login', values.name, 'name');
  if (values.totp !== undefined && values.recovery !== undefined) throw new HotlineError('bad_request', 'login: give --totp or --recovery, not both');
  const password = values['password-stdin'] ? await readStdin() : values.password;
  if (!password) throw new HotlineError('bad_request', 'login: give --password-stdin (or --password)');
  const client = connect(values, false);
  let session = await client.json('POST', '/v1/session', { name, password });
  if (session.pending) {
    const code = values.totp ?? values.recovery;
    if (!code) {
      const can = (session.methods as string[]).filter((m) => m !== 'passkey').map((m) => `--${m} CODE`);
      throw new HotlineError('unauthenticated', `login: ${name} signs in with a second factor: give ${can.join(' or ') || 'a passkey, from the console'}`);
    }
    session = await client.json('POST', values.totp !== undefined ? '/v1/session/totp' : '/v1/session/recovery', { pending: session.pending, code });
  }
  if (session.mustEnrol) console.error(`note: your role requires a second factor; until you enrol one ('hotline 2fa totp'), this session can do nothing else`);
  console.log(session.token);
}

export async function logout(argv: string[]) {
  const { values } = parse('logout', argv, connectionOptions);
  if (values.help) return void console.log('hotline logout\n\nEnds the session (or revokes the token) in HOTLINE_TOKEN / --token; its event streams close at once.');
  await connect(values).json('DELETE', '/v1/session');
  console.log('signed out');
}
