import { resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { readConfig } from '../../station/config.ts';
import { backupPostgres, backupSqlite, findPgDump, pgDumpArgs } from '../../station/storage/backup.ts';
import { databaseAddress, describe } from '../../station/storage/copy.ts';
import { defaultDir, parse, required } from '../args.ts';

const HELP = `hotline backup --to FILE [--dir DIR]

Backs up the station's database to FILE, which must not exist yet; safe
while the station serves.

SQLite: SQLite's online backup, checked with SQLite's integrity check.
PostgreSQL: runs pg_dump --format=custom (one consistent snapshot; install the
PostgreSQL client tools of the server's version or newer). Without pg_dump on
PATH it prints the command to run instead and exits with status 6.

Restore (the station stopped):
  SQLite      replace the database file with the backup (delete any -wal and -shm
              beside the old file), then 'hotline migrate' and 'hotline serve'.
  PostgreSQL  createdb NEW; pg_restore --no-owner --dbname postgresql://…/NEW FILE;
              set "database" in hotline.json to the new URL; 'hotline migrate';
              'hotline serve'.
On start the station fetches back from its peers whatever it had signed after
the backup was taken, before it signs anything new.`;

export async function backup(argv: string[]) {
  const { values } = parse('backup', argv, { to: { type: 'string' }, dir: { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const dir = defaultDir(values.dir);
  const address = databaseAddress(readConfig(dir).database, dir);
  const to = resolve(required('backup', values.to, 'to'));
  if (address.kind === 'sqlite') {
    const made = await backupSqlite(address.path, to);
    console.log(`backed up ${address.path} to ${to} (schema version ${made.version}; ${made.logs} logs, ${made.entries} entries; integrity ok)

To restore: stop the station, copy ${to} over ${address.path} (and delete
${address.path}-wal and -shm), run 'hotline migrate --dir ${dir}', then start it.`);
    return;
  }
  const pgDump = findPgDump();
  const command = ['pg_dump', ...pgDumpArgs(describe(address), to)].join(' ');
  if (!pgDump) throw new HotlineError('unavailable', `backup: pg_dump is not installed here; back a PostgreSQL station up with: ${command}`);
  await backupPostgres(pgDump, address.url, to);
  console.log(`backed up ${describe(address)} to ${to} with pg_dump --format=custom

To restore: stop every replica, then
  createdb NEW_DATABASE
  pg_restore --no-owner --dbname postgresql://…/NEW_DATABASE ${to}
set "database" in hotline.json to the new URL, run 'hotline migrate --dir ${dir}', then start the replicas.`);
}
