import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { output } from '../format.ts';
import { compromiseTime, readStatement } from './key-revoke.ts';

const HELP = `hotline peer revoke PARTY --compromised-at TIME --fingerprint "NNNNN NNNNN NNNNN NNNNN NNNNN NNNNN"
hotline peer revoke PARTY --compromised-at TIME --key VKEY
hotline peer revoke PARTY --compromised-at TIME --statement FILE [--fingerprint … | --key …]
  [--url URL --token TOKEN] [--json]

PARTY's key was stolen. Its operators revoked it ('hotline key revoke') and
read you the new key's fingerprint and the compromise time: record them
here. The new key is the one PARTY's station offered when it dialled in
under it (its link shows down until then: wait, and try again); its
fingerprint must be the one read aloud. --key gives the new key whole
instead. The pin moves to the new key, and the link comes back.

Every entry PARTY's old key signed at or after TIME is marked disputed here,
in transcripts, exports and the console. TIME is ISO 8601 with its zone.

--statement FILE is the revocation statement PARTY published. Alone it
revokes the pinned key without a replacement: entries after TIME are
disputed and links by that key refused until a new key is confirmed.
An admin token is needed.`;

export async function peerRevoke(argv: string[]) {
  const { values, positionals } = parse('peer revoke', argv, {
    ...connectionOptions, 'compromised-at': { type: 'string' }, fingerprint: { type: 'string' }, key: { type: 'string' }, statement: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (values.help) return void console.log(HELP);
  const party = positionals[0];
  if (!party) throw new HotlineError('bad_request', 'peer revoke: PARTY is required (see \'hotline peer revoke --help\')');
  const compromisedAt = compromiseTime('peer revoke', values['compromised-at']);
  if (values.fingerprint === undefined && values.key === undefined && values.statement === undefined) {
    throw new HotlineError('bad_request', 'peer revoke: give --fingerprint (as read aloud), --key, or --statement');
  }
  const body = {
    compromisedAt,
    ...(values.fingerprint !== undefined ? { fingerprint: values.fingerprint } : {}),
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values.statement !== undefined ? { statement: readStatement('peer revoke', values.statement) } : {}),
  };
  const done = await connect(values).json('POST', `/v1/peers/${encodeURIComponent(party)}/revocation`, body);
  const r = done.revocation;
  output(values.json, done, () => [
    `${done.changed ? 'revoked' : 'already revoked:'} ${r.party}'s key ${r.fingerprint}, compromised since ${new Date(r.compromisedAt).toISOString()}`,
    r.replacementFingerprint
      ? `  pinned now under the new key ${r.replacementFingerprint}; the link comes back under it`
      : `  no replacement confirmed yet: links by the revoked key are refused; when ${r.party}'s operators read you the new key's fingerprint, run this again with --fingerprint`,
    `  entries the old key signed at or after that time are marked disputed`,
  ].join('\n'));
}
