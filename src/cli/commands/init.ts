import { resolve } from 'node:path';
import { createStation } from '../../station/create.ts';
import { fingerprint } from '../../station/identity.ts';
import { defaultDir, parse, required } from '../args.ts';

const HELP = `hotline init --name PARTY [--dir DIR] [--listen HOST:PORT]

Creates a station for party PARTY in DIR (default ./station): an Ed25519
signing key (mode 0600, never printed), the API's TLS certificate (api.crt,
self-signed, with its key api.key, mode 0600), hotline.json and the SQLite
database. Prints the verifier key and a fingerprint to read aloud to the other
parties, and the certificate's SHA-256 fingerprint, which clients pin with
--pin (or trust api.crt with --ca).`;

export async function init(argv: string[]) {
  const { values } = parse('init', argv, { name: { type: 'string' }, dir: { type: 'string' }, listen: { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const name = required('init', values.name, 'name');
  const dir = defaultDir(values.dir);
  const station = await createStation(dir, name, values.listen);
  console.log(`Station ${name} created in ${resolve(dir)}

Verifier key (give it to the other parties):
  ${station.vkey}

Fingerprint (read it aloud when they pin the key):
  ${fingerprint(station.vkey)}

API certificate SHA-256 (clients: --pin it, or --ca ${resolve(dir, 'api.crt')}):
  ${station.apiFingerprint}

Next: hotline member add --dir ${dir} --name NAME --role admin --password-stdin
      hotline serve --dir ${dir}`);
}
