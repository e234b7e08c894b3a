import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { output } from '../format.ts';

const HELP = `hotline key rotate|revoke|list ...

  rotate   make a new station key; the old key and the new one sign a statement
           naming both, recorded in every log of this station: peers, verifiers
           and witnesses follow it, nothing needs to be pinned again
  revoke   the key was stolen: see hotline key revoke --help
  list     this station's key, its rotations and the revocations recorded here`;

const ROTATE_HELP = `hotline key rotate [--url URL --token TOKEN] [--json]

Rotates the running station's key (an admin token is needed). The station
makes a new key, the old key and the new one sign a rotation statement, and
every log of this station gains a key.rotate entry signed by the old key: the
next entry of each is signed by the new key. Sends made meanwhile wait and go
on under the new key. The old key is kept, retired (station.key.retired-<n>),
and never signs again.

Peers switch to the new key when the station next links to them (the hello
carries the statement), a peer that was down catches up across it, and a
witness is sent the statement when it first sees the new key. The new
fingerprint is printed; it can be read aloud to the peers' operators, but
nothing depends on that.`;

export async function key(argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub === 'rotate') return keyRotate(rest);
  if (sub === 'revoke') return (await import('./key-revoke.ts')).keyRevoke(rest);
  if (sub === 'list') return keyList(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') return void console.log(HELP);
  throw new HotlineError('bad_request', `hotline key: unknown subcommand '${sub}' (rotate, revoke, list)`);
}

interface RotationOut {
  party: string;
  oldFingerprint: string;
  fingerprint: string;
  new: string;
  time: number;
  positions: Array<{ line: string; seq: number }>;
  revocationFile?: string;
}

export async function keyRotate(argv: string[]) {
  const { values } = parse('key rotate', argv, { ...connectionOptions, json: { type: 'boolean' } });
  if (values.help) return void console.log(ROTATE_HELP);
  const done = (await connect(values).json('POST', '/v1/station/key-rotation', {})) as RotationOut;
  output(values.json, done, () => `rotated ${done.party}'s key
  old fingerprint  ${done.oldFingerprint} (retired)
  new fingerprint  ${done.fingerprint}
  new key          ${done.new}
recorded at ${done.positions.length} position(s):
${done.positions.map((p) => `  line ${p.line} entry ${p.seq}`).join('\n') || '  (no logs yet)'}

Peers follow the rotation over the link; reading the new fingerprint aloud is optional.${done.revocationFile ? `

A revocation statement for the new key is in ${done.revocationFile} (the retired key's was kept
beside it as revocation.txt.retired-<n>): move it offline, as after hotline init.` : ''}`);
}

async function keyList(argv: string[]) {
  const { values } = parse('key list', argv, { ...connectionOptions, json: { type: 'boolean' } });
  if (values.help) return void console.log('hotline key list [--url URL --token TOKEN] [--json]\n\nThis station\'s key now, the chain of its rotations and the revocations recorded here.');
  const view = (await connect(values).json('GET', '/v1/station/keys')) as {
    party: string; key: string; fingerprint: string; where: string; pending: boolean;
    rotations: Array<RotationOut & { oldFingerprint: string }>; revocations: Array<{ party: string; fingerprint: string; compromisedAt: number }>;
  };
  output(values.json, view, () => [
    `party        ${view.party}`, `key          ${view.key}`, `fingerprint  ${view.fingerprint}`, `kept in      ${view.where}${view.pending ? ' (a key change is under way)' : ''}`,
    ...view.rotations.map((r) => `rotated      ${new Date(r.time).toISOString()} ${r.oldFingerprint} -> ${r.fingerprint} (${r.positions.length} log(s))`),
    ...view.revocations.map((r) => `revoked      ${r.party} ${r.fingerprint} compromised since ${new Date(r.compromisedAt).toISOString()}`),
  ].join('\n'));
}
