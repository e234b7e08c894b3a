import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { HotlineError } from '../../core/errors.ts';
import { isPostgresUrl, redact } from './open-store.ts';
import { schema } from './sqlite/schema.ts';

// Moves a whole station from one database to another (SQLite ↔ PostgreSQL)
// row for row: ids, bytes and every table the schema has. The PostgreSQL
// schema mirrors the SQLite one table for table and column for column, so the
// SQLite schema is the one list of what a station holds; PostgreSQL's own
// tables (lease, broadcast, schema_migration) belong to the database, not to
// the station, and stay behind.

/** The station's tables, in the schema's order (a table comes after the ones it references). */
export const stationTables: string[] = [...schema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]);

/** Where a station's database is: a SQLite file or a PostgreSQL server. */
export type DatabaseAddress = { kind: 'sqlite'; path: string } | { kind: 'postgresql'; url: string };

/** Reads a `database` value (hotline.json, --database, --to); a relative file is relative to `base`. */
export function databaseAddress(value: string, base: string): DatabaseAddress {
  if (isPostgresUrl(value)) {
    if (!URL.canParse(value)) throw new HotlineError('bad_request', `'${redact(value)}' is not a valid postgresql:// URL`);
    return { kind: 'postgresql', url: value };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme) throw new HotlineError('bad_request', `unknown database scheme '${scheme}:' (give a postgresql:// URL or a SQLite file path)`);
  if (value === '') throw new HotlineError('bad_request', 'the database is empty: give a postgresql:// URL or a SQLite file path');
  return { kind: 'sqlite', path: resolve(base, value) };
}

/** A database address fit to print: never the password. */
export function describe(address: DatabaseAddress | string): string {
  if (typeof address === 'string') return redact(address);
  return address.kind === 'sqlite' ? address.path : redact(address.url);
}

type Value = string | number | bigint | Buffer | null;

/**
 * One side of a copy, holding the database still while it runs: a source is
 * read in one snapshot that no writer can change, a target is written in one
 * transaction that commits only when every count matches.
 */
export interface CopyEnd {
  readonly address: DatabaseAddress;
  /** Column names of a station table, in the database's order; empty if the table is missing. */
  columns(table: string): Promise<string[]>;
  count(table: string): Promise<number>;
  rows(table: string, columns: string[]): AsyncIterable<Value[][]>;
  insert(table: string, columns: string[], rows: Value[][]): Promise<void>;
  /** After the last insert: whatever keeps new ids from colliding with copied ones. */
  finish(): Promise<void>;
  commit(): Promise<void>;
  /** Ends the snapshot or rolls back an uncommitted transaction, and disconnects. */
  close(): Promise<void>;
}

const BATCH_VALUES = 30_000;

export interface CopiedTable {
  table: string;
  rows: number;
}

/**
 * Copies every station table from `from` to `to`, which must hold none of
 * the station's rows, then checks each table's row count on both sides
 * before the target commits. Returns the counts.
 */
export async function copyStation(from: CopyEnd, to: CopyEnd, onTable: (t: CopiedTable) => void = () => {}): Promise<CopiedTable[]> {
  const plan: Array<{ table: string; columns: string[]; rows: number }> = [];
  const filled: string[] = [];
  for (const table of stationTables) {
    const columns = await from.columns(table);
    if (columns.length === 0) throw new HotlineError('conflict', `the source has no table ${table}: run 'hotline migrate' on it first`);
    const target = await to.columns(table);
    if (target.length === 0 || [...target].sort().join() !== [...columns].sort().join()) {
      throw new HotlineError('conflict', `table ${table} differs between source (${columns.join(', ')}) and target (${target.join(', ') || 'missing'}): bring both to the same schema version with 'hotline migrate'`);
    }
    const present = await to.count(table);
    if (present > 0) filled.push(`${table}: ${present}`);
    plan.push({ table, columns, rows: await from.count(table) });
  }
  if (filled.length > 0) throw new HotlineError('conflict', `the target ${describe(to.address)} is not empty (${filled.join(', ')} rows): copy into an empty database`);
  const copied: CopiedTable[] = [];
  for (const { table, columns, rows } of plan) {
    for await (const batch of from.rows(table, columns)) await to.insert(table, columns, batch);
    const stored = await to.count(table);
    if (stored !== rows) throw new HotlineError('integrity', `table ${table}: ${rows} rows in the source but ${stored} in the target; nothing was committed`);
    copied.push({ table, rows });
    onTable({ table, rows });
  }
  await to.finish();
  await to.commit();
  return copied;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A SQLite file held with an exclusive lock for the whole copy: a serving
 * station holds the file open, so taking the lock fails at once, and a station
 * started during the copy waits rather than writes.
 */
export async function sqliteEnd(path: string, role: 'source' | 'target'): Promise<CopyEnd> {
  if (role === 'source' && !existsSync(path)) throw new HotlineError('not_found', `no SQLite database at ${path}`);
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new HotlineError('conflict', `${path} is in use by another process: stop the station ('hotline serve') and try again`);
    throw new HotlineError('bad_request', `${path} is not a usable SQLite database: ${(e as Error).message}`);
  }
  const address: DatabaseAddress = { kind: 'sqlite', path };
  const inserts = new Map<string, Database.Statement>();
  return {
    address,
    async columns(table) {
      return (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as Array<{ name: string }>).map((c) => c.name);
    },
    async count(table) {
      return Number((db.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n);
    },
    async *rows(table, columns) {
      // Integers as BigInt: a 64-bit value survives the trip whatever its size.
      const select = db.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`).raw(true).safeIntegers(true);
      const size = Math.max(1, Math.floor(BATCH_VALUES / columns.length));
      let batch: Value[][] = [];
      for (const row of select.iterate() as Iterable<Value[]>) {
        batch.push(row);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async insert(table, columns, rows) {
      const key = `${table}(${columns.join()})`;
      let insert = inserts.get(key);
      if (!insert) inserts.set(key, (insert = db.prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)));
      for (const row of rows) insert.run(row);
    },
    async finish() {},
    async commit() {
      db.exec('COMMIT');
    },
    async close() {
      if (!db.open) return;
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** Opens a connection to PostgreSQL, turning the usual failures into one-line errors. */
export async function connectPostgres(url: string, bigints = false): Promise<pg.Client> {
  // int8 as BigInt for a copy (pg's default is a string); everything else as pg reads it.
  const types = bigints ? { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? BigInt : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser } : undefined;
  const client = new pg.Client({ connectionString: url, application_name: 'hotline-cli', connectionTimeoutMillis: 10_000, types });
  // A dropped connection must fail the query in progress, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw postgresError(e, url);
  }
  return client;
}

/** A PostgreSQL failure as a HotlineError naming the server (never its password). */
export function postgresError(e: unknown, url: string): HotlineError {
  if (e instanceof HotlineError) return e;
  const err = e as { code?: string; message?: string };
  const where = redact(url);
  switch (err.code) {
    case 'ECONNREFUSED': case 'ENOTFOUND': case 'EHOSTUNREACH': case 'ETIMEDOUT': case 'ECONNRESET': case 'EAI_AGAIN':
      return new HotlineError('unavailable', `cannot reach PostgreSQL at ${where}: ${err.message ?? err.code}`);
    case '3D000':
      return new HotlineError('not_found', `${where}: ${err.message} (create it first, e.g. createdb)`);
    case '28P01': case '28000':
      return new HotlineError('unauthenticated', `${where}: ${err.message}`);
  }
  if (/timeout/i.test(err.message ?? '')) return new HotlineError('unavailable', `cannot reach PostgreSQL at ${where}: ${err.message}`);
  return new HotlineError('internal', `PostgreSQL at ${where}: ${err.message ?? String(e)}`);
}

/** Why a PostgreSQL database is busy with a station (a lease held, other connections), or null. */
export async function postgresInUse(client: pg.Client): Promise<string | null> {
  const lease = await client.query(`SELECT holder, expires_at FROM lease WHERE id = 1 AND holder IS NOT NULL AND expires_at > now()
     AND (pid IS NULL OR pid IN (SELECT pid FROM pg_stat_activity))`).catch(() => ({ rows: [] }));
  if (lease.rows.length > 0) {
    const r = lease.rows[0] as { holder: string | null; expires_at: Date };
    return `replica ${r.holder ?? '(unnamed)'} holds the leader's lease until ${new Date(r.expires_at).toISOString()}`;
  }
  const others = await client.query(
    `SELECT coalesce(nullif(application_name, ''), 'unnamed') AS name, count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1 ORDER BY 1`,
  );
  if (others.rows.length > 0) return `${others.rows.map((r: { name: string; n: number }) => `${r.n} × ${r.name}`).join(', ')} connected to it`;
  return null;
}

/**
 * A PostgreSQL database already at the current schema. As a source it is read
 * in one REPEATABLE READ snapshot with the station's tables locked against
 * writers; as a target it is written in one transaction.
 */
export async function postgresEnd(url: string, role: 'source' | 'target'): Promise<CopyEnd> {
  const client = await connectPostgres(url, true);
  const address: DatabaseAddress = { kind: 'postgresql', url };
  let open = false;
  const q = async (text: string, values?: unknown[]) => {
    try {
      return await client.query({ text, values, rowMode: 'array' });
    } catch (e) {
      throw postgresError(e, url);
    }
  };
  try {
    if (role === 'source') {
      const busy = await postgresInUse(client);
      if (busy) throw new HotlineError('conflict', `${describe(address)} is in use (${busy}): stop every 'hotline serve' on it and try again`);
    }
    await q(role === 'source' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ' : 'BEGIN');
    open = true;
    const present = (await q(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)`, [[...stationTables, 'lease']])).rows.map((r) => String(r[0]));
    // SHARE blocks every writer until the copy ends; a target is ours alone.
    const mode = role === 'source' ? 'SHARE' : 'EXCLUSIVE';
    const lockable = role === 'source' ? present : present.filter((t) => t !== 'lease');
    if (lockable.length > 0) await q(`LOCK TABLE ${lockable.map(quote).join(', ')} IN ${mode} MODE NOWAIT`);
  } catch (e) {
    await client.end().catch(() => {});
    const err = postgresError(e, url);
    if (/could not obtain lock/.test(err.message)) throw new HotlineError('conflict', `${describe(address)} is in use (another transaction holds its tables): stop every 'hotline serve' on it and try again`);
    throw err;
  }
  let cursors = 0;
  return {
    address,
    async columns(table) {
      const r = await q(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [table]);
      return r.rows.map((row) => String(row[0]));
    },
    async count(table) {
      return Number((await q(`SELECT COUNT(*) FROM ${quote(table)}`)).rows[0][0]);
    },
    async *rows(table, columns) {
      const cursor = `copy_${++cursors}`;
      const size = Math.max(1, Math.floor(BATCH_VALUES / columns.length));
      await q(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`);
      for (;;) {
        const batch = (await q(`FETCH ${size} FROM ${cursor}`)).rows as Value[][];
        if (batch.length === 0) break;
        yield batch;
      }
      await q(`CLOSE ${cursor}`);
    },
    async insert(table, columns, rows) {
      if (rows.length === 0) return;
      const values: Value[] = [];
      const tuples = rows.map((row) => `(${row.map((v) => `$${values.push(v)}`).join(', ')})`);
      await q(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`, values);
    },
    async finish() {
      // Copied ids were given explicitly, so each id sequence must move past them.
      const serial = await q(
        `SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ANY($1) AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`,
        [stationTables],
      );
      for (const [table, column, sequence] of serial.rows as string[][]) {
        if (!sequence) continue;
        await q(`SELECT setval($1, m, true) FROM (SELECT MAX(${quote(column)}) AS m FROM ${quote(table)}) s WHERE m IS NOT NULL`, [sequence]);
      }
    },
    async commit() {
      await q('COMMIT');
      open = false;
    },
    async close() {
      if (open) await client.query('ROLLBACK').catch(() => {});
      open = false;
      await client.end().catch(() => {});
    },
  };
}

/** The station tables of a PostgreSQL database that hold rows, as "table: rows" (empty: it holds no station). */
export async function postgresStationRows(url: string): Promise<string[]> {
  const client = await connectPostgres(url);
  try {
    const held: string[] = [];
    for (const table of stationTables) {
      const n = Number((await client.query(`SELECT COUNT(*) AS n FROM ${quote(table)}`)).rows[0].n);
      if (n > 0) held.push(`${table}: ${n}`);
    }
    return held;
  } catch (e) {
    throw postgresError(e, url);
  } finally {
    await client.end().catch(() => {});
  }
}
