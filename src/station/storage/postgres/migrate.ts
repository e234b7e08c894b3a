import type pg from 'pg';
import { HotlineError } from '../../../core/errors.ts';
import { POSTGRES_SCHEMA_VERSION, postgresMigrations } from './schema.ts';

// Two replicas started at once would both see an empty database and both try
// to create it; a transaction-scoped advisory lock makes the second wait and
// then find the work done. The key is Hotline's own ("hotl", 1): the lease
// uses others.
const MIGRATION_LOCK = [0x686f746c, 1] as const;

/** Brings the database to the latest schema version in one transaction; returns the versions before and after. */
export async function migratePostgres(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migration');
    const from = Number(rows[0].version);
    if (from > POSTGRES_SCHEMA_VERSION) {
      throw new HotlineError('unavailable', `the database's schema is version ${from}, newer than this Hotline knows (${POSTGRES_SCHEMA_VERSION}): upgrade Hotline before starting it on this database`);
    }
    for (const m of postgresMigrations) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migration (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, POSTGRES_SCHEMA_VERSION) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
