import { resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { createStation } from '../../station/create.ts';
import { fingerprint } from '../../station/identity.ts';
import { databaseAddress, describe, postgresStationRows } from '../../station/storage/copy.ts';
import { defaultDir, parse, required } from '../args.ts';
import { withLocalStore } from '../local-store.ts';
import { migrateAt } from './migrate.ts';

const HELP = `hotline init --name PARTY [--dir DIR] [--listen HOST:PORT] [--database postgresql://USER@HOST:PORT/DATABASE]

Creates a station for party PARTY in DIR (default ./station): an Ed25519
signing key (mode 0600, never printed), the API's TLS certificate (api.crt,
self-signed, with its key api.key, mode 0600), hotline.json and the database.
Prints the verifier key and a fingerprint to read aloud to the other
parties, and the certificate's SHA-256 fingerprint, which clients pin with
--pin (or trust api.crt with --ca).

The database is a SQLite file in DIR (station.db) unless --database names a
PostgreSQL database, which must exist (createdb) and hold no station yet; it
is brought to the current schema and its URL written to hotline.json. Every
replica of the station then runs with a copy of DIR.`;

export async function init(argv: string[]) {
  const { values } = parse('init', argv, { name: { type: 'string' }, dir: { type: 'string' }, listen: { type: 'string' }, database: { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const name = required('init', values.name, 'name');
  const dir = defaultDir(values.dir);
  const database = values.database;
  const address = database === undefined ? undefined : databaseAddress(database, dir);
  if (address?.kind === 'postgresql') {
    await migrateAt(address);
    const held = await postgresStationRows(address.url);
    if (held.length > 0) throw new HotlineError('conflict', `init: ${describe(address)} already holds a station (${held.join(', ')} rows): give an empty database`);
  }
  const station = await createStation(dir, name, values.listen, { database });
  // The database now says whose it is, so a second init on it is refused even before it holds members or lines.
  if (address?.kind === 'postgresql') await withLocalStore(dir, (store) => store.setSetting('station', { name, key: station.vkey }));
  console.log(`Station ${name} created in ${resolve(dir)}${address ? `\nDatabase: ${describe(address)}` : ''}

Verifier key (give it to the other parties):
  ${station.vkey}

Fingerprint (read it aloud when they pin the key):
  ${fingerprint(station.vkey)}

API certificate SHA-256 (clients: --pin it, or --ca ${resolve(dir, 'api.crt')}):
  ${station.apiFingerprint}

Next: hotline member add --dir ${dir} --name NAME --role admin --password-stdin
      hotline serve --dir ${dir}`);
}
