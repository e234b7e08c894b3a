import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { CONFIG_FILE, readConfig } from '../../station/config.ts';
import { copyStation, databaseAddress, describe, postgresEnd, sqliteEnd, type CopyEnd, type DatabaseAddress } from '../../station/storage/copy.ts';
import { SqliteStore } from '../../station/storage/sqlite/sqlite-store.ts';
import { defaultDir, parse, required } from '../args.ts';
import { migrateAt } from './migrate.ts';

const HELP = `hotline db copy --to postgresql://USER@HOST:PORT/DATABASE [--dir DIR] [--switch]
hotline db copy --to FILE.db [--dir DIR] [--switch]

Copies the whole station (members, credentials, lines, every log's entries,
tree nodes, checkpoints and cosignatures, peers, settings) from its database
to another one, SQLite to PostgreSQL or back, keeping every id and every byte.
The target must hold no station: a PostgreSQL database that exists
(createdb), or a SQLite file, made if it does not exist (a relative FILE is
relative to the current directory); either is first brought to the current
schema. The copy is one transaction on the
target, committed only when each table's row count matches the source's.

The station must not be serving while it runs: the copy refuses a SQLite file
another process has open, and a PostgreSQL database whose lease a replica
holds or that other clients are connected to. --switch then points
hotline.json's "database" at the copy; start the station again with
'hotline serve'. The old database is left as it was.`;

export async function db(argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (sub !== 'copy') throw new HotlineError('bad_request', `db: unknown subcommand '${sub}' (see 'hotline db --help')`);
  try {
    await copy(rest);
  } catch (e) {
    // Every failure names the subcommand, as argument errors already do.
    if (e instanceof HotlineError && !e.message.startsWith('db copy: ')) throw new HotlineError(e.code, `db copy: ${e.message}`, e.details);
    throw e;
  }
}

async function copy(rest: string[]) {
  const { values } = parse('db copy', rest, { to: { type: 'string' }, dir: { type: 'string' }, switch: { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const dir = defaultDir(values.dir);
  const from = databaseAddress(readConfig(dir).database, dir);
  const to = databaseAddress(required('db copy', values.to, 'to'), process.cwd());
  if (describe(from) === describe(to)) throw new HotlineError('bad_request', `the station already uses ${describe(to)}`);

  const source = await openEnd(from, 'source');
  let createdFile = false;
  try {
    // The target gets the current schema first, so the copy only moves rows.
    if (to.kind === 'sqlite' && !existsSync(to.path)) {
      createdFile = true;
      await new SqliteStore(to.path).close();
    } else {
      await migrateAt(to);
    }
    const target = await openEnd(to, 'target');
    try {
      let first = true;
      const copied = await copyStation(source, target, ({ table, rows }) => {
        if (first) console.log(`copying ${describe(from)} → ${describe(to)}`);
        first = false;
        console.log(`  ${table.padEnd(18)} ${rows}`);
      });
      createdFile = false;
      console.log(`copied ${copied.reduce((n, t) => n + t.rows, 0)} rows in ${copied.length} tables; every table's row count matches`);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
    // A file made for a copy that failed holds nothing worth keeping.
    if (createdFile && to.kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(to.path + suffix, { force: true });
  }
  if (values.switch) {
    switchDatabase(dir, to);
    console.log(`${join(dir, CONFIG_FILE)}: "database" is now ${describe(to)}; start the station with 'hotline serve --dir ${dir}'`);
  } else {
    console.log(`the station still uses ${describe(from)}; --switch would point hotline.json at the copy`);
  }
}

function openEnd(address: DatabaseAddress, role: 'source' | 'target'): Promise<CopyEnd> {
  return address.kind === 'sqlite' ? sqliteEnd(address.path, role) : postgresEnd(address.url, role);
}

/** Rewrites only "database" in hotline.json, leaving the rest of the file as the operator wrote it. */
function switchDatabase(dir: string, to: DatabaseAddress): void {
  const path = join(dir, CONFIG_FILE);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  // A SQLite path is stored relative to the station directory, as the default is.
  raw.database = to.kind === 'sqlite' ? relative(resolve(dir), to.path) : to.url;
  writeFileSync(path, JSON.stringify(raw, null, 2) + '\n');
}
