import { existsSync } from 'node:fs';
import { HotlineError } from '../../core/errors.ts';
import { readConfig } from '../../station/config.ts';
import { connectPostgres, databaseAddress, describe, postgresError, type DatabaseAddress } from '../../station/storage/copy.ts';
import { migratePostgres } from '../../station/storage/postgres/migrate.ts';
import { SCHEMA_VERSION } from '../../station/storage/sqlite/schema.ts';
import { SqliteStore } from '../../station/storage/sqlite/sqlite-store.ts';
import { defaultDir, parse } from '../args.ts';

const HELP = `hotline migrate [--dir DIR]

Brings the station's database (SQLite or PostgreSQL, as hotline.json's
"database" says) to the schema this Hotline uses, in one transaction, and
prints the versions before and after. Safe to run again: a current database
is left as it is. 'hotline serve' migrates on start as well; run this after
restoring a backup or before 'hotline db copy' from an older database.`;

export async function migrate(argv: string[]) {
  const { values } = parse('migrate', argv, { dir: { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const dir = defaultDir(values.dir);
  const address = databaseAddress(readConfig(dir).database, dir);
  const { from, to } = await migrateAt(address);
  console.log(from === to ? `schema version ${to} is current (${describe(address)})` : `schema version ${from} → ${to} (${describe(address)})`);
}

/**
 * Migrates a station database where it is; returns the versions before and after.
 * Unlike opening a store, it never creates a missing SQLite file, and PostgreSQL
 * is migrated over one plain connection (no pool, no change feed).
 */
export async function migrateAt(address: DatabaseAddress): Promise<{ from: number; to: number }> {
  if (address.kind === 'postgresql') {
    const client = await connectPostgres(address.url);
    try {
      return await migratePostgres(client);
    } catch (e) {
      throw postgresError(e, address.url);
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (!existsSync(address.path)) throw new HotlineError('not_found', `no SQLite database at ${address.path}`);
  let store: SqliteStore;
  try {
    store = new SqliteStore(address.path);
  } catch (e) {
    throw new HotlineError('bad_request', `${address.path} is not a usable SQLite database: ${(e as Error).message}`);
  }
  const from = store.migratedFrom;
  await store.close();
  if (from > SCHEMA_VERSION) throw new HotlineError('conflict', `the database's schema is version ${from}, newer than this Hotline knows (${SCHEMA_VERSION}): upgrade Hotline before starting it on this database`);
  return { from, to: SCHEMA_VERSION };
}
