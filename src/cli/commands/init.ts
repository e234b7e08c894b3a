import { resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { createStation } from '../../station/create.ts';
import { fingerprint } from '../../station/identity.ts';
import { databaseAddress, describe, postgresStationRows } from '../../station/storage/copy.ts';
import { defaultDir, parse, required } from '../args.ts';
import { withLocalStore } from '../local-store.ts';
import { migrateAt } from './migrate.ts';

const HELP = `hotline init --name PARTY [--dir DIR] [--listen HOST:PORT] [--database postgresql://USER@HOST:PORT/DATABASE]
            [--pkcs11-module LIB.so --pkcs11-token LABEL --pkcs11-key LABEL [--pkcs11-pin-file FILE | --pkcs11-pin-env VAR]]

Creates a station for party PARTY in DIR (default ./station): an Ed25519
signing key (mode 0600, never printed), the API's TLS certificate (api.crt,
self-signed, with its key api.key, mode 0600), hotline.json, the database,
and revocation.txt (mode 0600): the key's signed revocation statement. Move
it offline (print it, a USB stick in a safe); if the key is ever stolen,
'hotline key revoke --statement revocation.txt --compromised-at TIME' uses
it, or the party publishes it.
Prints the verifier key and a fingerprint to read aloud to the other
parties, and the certificate's SHA-256 fingerprint, which clients pin with
--pin (or trust api.crt with --ca).

The database is a SQLite file in DIR (station.db) unless --database names a
PostgreSQL database, which must exist (createdb) and hold no station yet; it
is brought to the current schema and its URL written to hotline.json. Every
replica of the station then runs with a copy of DIR.

With --pkcs11-module, --pkcs11-token and --pkcs11-key, the signing key is
made inside that PKCS#11 token or HSM (Ed25519, non-extractable) and never
exists outside it; no station.key is written. The user PIN is read from
--pkcs11-pin-file (mode 0600) or from the environment variable named by
--pkcs11-pin-env (default HOTLINE_PKCS11_PIN), now and at every serve;
it is never written to hotline.json. See docs/keys.md.`;

export async function init(argv: string[]) {
  const { values } = parse('init', argv, {
    name: { type: 'string' }, dir: { type: 'string' }, listen: { type: 'string' }, database: { type: 'string' },
    'pkcs11-module': { type: 'string' }, 'pkcs11-token': { type: 'string' }, 'pkcs11-key': { type: 'string' }, 'pkcs11-pin-file': { type: 'string' }, 'pkcs11-pin-env': { type: 'string' },
  });
  if (values.help) return void console.log(HELP);
  const name = required('init', values.name, 'name');
  const dir = defaultDir(values.dir);
  const database = values.database;
  const pkcs11 = values['pkcs11-module'] === undefined && values['pkcs11-token'] === undefined && values['pkcs11-key'] === undefined ? undefined : {
    module: required('init', values['pkcs11-module'], 'pkcs11-module'),
    token: required('init', values['pkcs11-token'], 'pkcs11-token'),
    key: required('init', values['pkcs11-key'], 'pkcs11-key'),
    ...(values['pkcs11-pin-file'] !== undefined ? { pinFile: values['pkcs11-pin-file'] } : {}),
    pinEnv: values['pkcs11-pin-env'] ?? 'HOTLINE_PKCS11_PIN',
  };
  const address = database === undefined ? undefined : databaseAddress(database, dir);
  if (address?.kind === 'postgresql') {
    await migrateAt(address);
    const held = await postgresStationRows(address.url);
    if (held.length > 0) throw new HotlineError('conflict', `init: ${describe(address)} already holds a station (${held.join(', ')} rows): give an empty database`);
  }
  const station = await createStation(dir, name, values.listen, { database, pkcs11 });
  // The database now says whose it is, so a second init on it is refused even before it holds members or lines.
  if (address?.kind === 'postgresql') await withLocalStore(dir, (store) => store.setSetting('station', { name, key: station.vkey }));
  console.log(`Station ${name} created in ${resolve(dir)}${address ? `\nDatabase: ${describe(address)}` : ''}${pkcs11 ? `\nSigning key: in PKCS#11 token ${pkcs11.token}, labelled ${pkcs11.key} (it never leaves the token)` : ''}

Verifier key (give it to the other parties):
  ${station.vkey}

Fingerprint (read it aloud when they pin the key):
  ${fingerprint(station.vkey)}

Post-quantum (ML-DSA-44) key (they pin it with --pq-key):
  ${station.pqVkey}

API certificate SHA-256 (clients: --pin it, or --ca ${resolve(dir, 'api.crt')}):
  ${station.apiFingerprint}

Revocation statement (move it offline now, then delete it here; it revokes this key if it is ever stolen):
  ${resolve(station.revocationFile)}

Next: hotline member add --dir ${dir} --name NAME --role admin --password-stdin
      hotline serve --dir ${dir}`);
}
