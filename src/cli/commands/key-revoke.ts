import { readFileSync } from 'node:fs';
import { HotlineError } from '../../core/errors.ts';
import { defaultDir, parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { output } from '../format.ts';

const HELP = `hotline key revoke --statement FILE --compromised-at TIME [--url URL --token TOKEN] [--json]
hotline key revoke --lost --statement FILE --compromised-at TIME [--dir DIR] [--json]

When this station's key was stolen (or may have been): revokes it with the
revocation statement 'hotline init' made (revocation.txt, kept offline). The
running station makes a new key, ends each of its own logs with a key.revoke
entry signed by it, and signs only with the new key from then on.

TIME is when the key may first have been in other hands, in ISO 8601 with
a zone (2026-12-02T14:00:00Z): every station marks the entries the old key
signed at or after it as disputed. Say it early rather than late.

Then read the new key's fingerprint and the compromise time aloud to every
peer's operators; each records it with the command printed here. An admin
token is needed.

--lost: the key itself is gone (the station cannot start without it). With
the station stopped, on its machine: a new key is made in the key file, the
revocation recorded, and the next 'hotline serve' ends every own log with the
key.revoke entry before anything else. TIME is when the key left your hands
(entries signed after it are disputed).`;

/** An ISO 8601 time with its zone, as ms; a time without one would mean different moments at the two ends of the line. */
export function compromiseTime(command: string, value: string | undefined): number {
  const text = required(command, value, 'compromised-at');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new HotlineError('bad_request', `${command}: --compromised-at must be an ISO 8601 time with its zone, such as 2026-12-02T14:00:00Z`);
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0) throw new HotlineError('bad_request', `${command}: --compromised-at '${text}' is not a time`);
  return ms;
}

export function readStatement(command: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new HotlineError('not_found', `${command}: cannot read the revocation statement ${file}: ${(e as Error).message}`);
  }
}

export async function keyRevoke(argv: string[]) {
  const { values } = parse('key revoke', argv, { ...connectionOptions, statement: { type: 'string' }, 'compromised-at': { type: 'string' }, lost: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const statement = readStatement('key revoke', required('key revoke', values.statement, 'statement'));
  const compromisedAt = compromiseTime('key revoke', values['compromised-at']);
  const done = values.lost ? await revokeLost(defaultDir(values.dir), statement, compromisedAt) : await connect(values).json('POST', '/v1/station/key-revocation', { statement, compromisedAt });
  const at = new Date(done.compromisedAt).toISOString();
  output(values.json, done, () => `revoked ${done.party}'s key ${done.revokedFingerprint}
  compromised since ${at}; ${done.logs} own log(s) ${values.lost ? 'get a key.revoke entry signed by the new key when the station next starts (hotline serve)' : 'now end with a key.revoke entry signed by the new key'}

New key fingerprint (read it aloud to each peer's operators, with the compromise time):
  ${done.fingerprint}
Compromise time:
  ${at}

Each peer's operators record it with:
  hotline peer revoke ${done.party} --compromised-at ${at} --fingerprint "${done.fingerprint}"`);
}

/** On the station directory, the station stopped: the key file is gone. */
async function revokeLost(dir: string, statement: string, compromisedAt: number) {
  const [{ readConfig }, { withLocalStore }, { revokeLostKey }] = await Promise.all([
    import('../../station/config.ts'), import('../local-store.ts'), import('../../station/keys/revocation-lost.ts'),
  ]);
  const config = readConfig(dir);
  return withLocalStore(dir, (store) => revokeLostKey(dir, config, store, { statement, compromisedAt, now: Date.now() }));
}
