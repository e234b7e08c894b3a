import { resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import type { StationConfig } from '../config.ts';
import type { Store } from './store.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';

export interface OpenStoreOptions {
  /** PostgreSQL's application_name on every connection (the replica's id); ignored for SQLite. */
  applicationName?: string;
  /** Errors no caller hears (a dropped idle connection, the change feed reconnecting). */
  onError?: (error: unknown) => void;
  /** PostgreSQL: a query unanswered for this long fails and drops its connection (default 30 s). */
  queryTimeoutMs?: number;
}

/** Whether `database` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * The station's store: PostgreSQL for a postgres:// or postgresql:// URL
 * (replicas share it), else the SQLite file named relative to the station
 * directory. Either way the schema is migrated to the latest version first.
 */
export async function openStore(dir: string, config: Pick<StationConfig, 'database'>, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(config.database)) {
    if (!URL.canParse(config.database)) throw new HotlineError('bad_request', `database '${redact(config.database)}' is not a valid postgresql:// URL`);
    return PostgresStore.open({ url: config.database, applicationName: options.applicationName, onError: options.onError, queryTimeoutMs: options.queryTimeoutMs });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(config.database)) {
    throw new HotlineError('bad_request', `database '${redact(config.database)}' is neither a postgresql:// URL nor a SQLite file name`);
  }
  return new SqliteStore(resolve(dir, config.database));
}

/** Brings the station's database to the latest schema (`hotline migrate`); the versions before and after. */
export async function migrateDatabase(dir: string, config: Pick<StationConfig, 'database'>): Promise<{ from: number; to: number; adapter: 'sqlite' | 'postgres' }> {
  const store = await openStore(dir, config);
  try {
    if (store instanceof PostgresStore) return { ...store.migration, adapter: 'postgres' };
    const sqlite = store as SqliteStore;
    return { from: sqlite.migratedFrom, to: sqlite.db.pragma('user_version', { simple: true }) as number, adapter: 'sqlite' };
  } finally {
    await store.close();
  }
}

/** A database URL for messages and logs: without its password. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
