import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { noMorePositionals, output, positional, time } from '../format.ts';

const HELP = `hotline 2fa status
hotline 2fa totp
hotline 2fa confirm CODE
hotline 2fa remove-totp
hotline 2fa recovery-codes
hotline 2fa remove-passkey ID

Your own second factors (HOTLINE_TOKEN is your session). totp starts
enrolment: add the printed secret (or otpauth:// URI) to an authenticator app,
then confirm with a code from it; confirm prints ten recovery codes, once:
keep them apart from the authenticator. recovery-codes replaces them.
Passkeys are registered from the console; remove-passkey takes an ID from status.`;

export async function secondFactor(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('2fa', rest, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help || !sub || sub === '--help' || sub === '-h') return void console.log(HELP);
  const client = connect(values);
  const codes = (r: { recoveryCodes: string[] }) => ['recovery codes (each works once; shown only now):', ...r.recoveryCodes.map((c) => `  ${c}`)].join('\n');
  switch (sub) {
    case 'status': {
      noMorePositionals('2fa status', positionals, 0);
      const s = await client.json('GET', '/v1/me/second-factors');
      return output(values.json, s, () => [
        `TOTP: ${s.totp ? 'on' : 'off'}`,
        `passkeys: ${s.passkeys.length === 0 ? 'none' : ''}`,
        ...s.passkeys.map((k: any) => `  ${k.id}  ${k.label}  added ${time(k.createdAt)}, last used ${time(k.lastUsedAt)}`),
        `recovery codes left: ${s.recoveryCodesLeft}`,
        `required for your role: ${s.required ? 'yes' : 'no'}`,
      ].join('\n'));
    }
    case 'totp': {
      noMorePositionals('2fa totp', positionals, 0);
      const t = await client.json('POST', '/v1/me/totp');
      return output(values.json, t, () => `secret  ${t.secret}\nuri     ${t.uri}\n\nAdd it to your authenticator app, then: hotline 2fa confirm CODE`);
    }
    case 'confirm': {
      const code = positional('2fa confirm', positionals, 0, 'CODE');
      noMorePositionals('2fa confirm', positionals, 1);
      const r = await client.json('POST', '/v1/me/totp/confirm', { code });
      return output(values.json, r, () => `TOTP is on.\n${codes(r)}`);
    }
    case 'remove-totp':
      noMorePositionals('2fa remove-totp', positionals, 0);
      await client.json('DELETE', '/v1/me/totp');
      return void console.log('TOTP removed');
    case 'recovery-codes': {
      noMorePositionals('2fa recovery-codes', positionals, 0);
      const r = await client.json('POST', '/v1/me/recovery-codes');
      return output(values.json, r, () => `${codes(r)}\nthe earlier codes no longer work`);
    }
    case 'remove-passkey': {
      const id = positional('2fa remove-passkey', positionals, 0, 'ID');
      noMorePositionals('2fa remove-passkey', positionals, 1);
      await client.json('DELETE', `/v1/me/passkeys/${encodeURIComponent(id)}`);
      return void console.log(`passkey ${id} removed`);
    }
    default:
      throw new HotlineError('bad_request', `2fa: unknown subcommand '${sub}' (status, totp, confirm, remove-totp, recovery-codes, remove-passkey)`);
  }
}
