import pg from 'pg';
import { HotlineError } from '../../../core/errors.ts';

export interface PostgresOptions {
  /** postgres://user@host:port/database (any libpq-style URL `pg` accepts). */
  url: string;
  /** Set as application_name on every connection: a new leader finds (and ends) the old leader's sessions by it. */
  applicationName?: string;
  /** Connections in the pool (default 16). */
  poolSize?: number;
  /**
   * A query with no answer by then fails (default 30 s) and its connection is
   * dropped: a network gone silent must not hang requests forever.
   */
  queryTimeoutMs?: number;
  /** A connection not established by then fails (default 10 s). */
  connectTimeoutMs?: number;
  /** How often the change feed checks its connection still answers (default 5 s). */
  heartbeatMs?: number;
}

const INT8 = 20;
const BYTEA = 17;

// Per connection, not pg's global parser: other code in the process may use pg with its defaults.
// Sizes, ids and times are far below 2^53, so numbers are exact; bytes are plain Uint8Arrays as SQLite gives them.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === BYTEA) return (value: string) => new Uint8Array(Buffer.from(value.slice(2), 'hex'));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function clientConfig(options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    application_name: options.applicationName,
    types: types as pg.CustomTypesConfig,
    // A peer that vanishes without a FIN (a cut network) is found by TCP keepalives rather than never.
    keepAlive: true,
    keepAliveInitialDelayMillis: 5000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    query_timeout: options.queryTimeoutMs ?? 30_000,
  };
}

// SQLSTATE classes and socket errors that mean "the database is not there right now", not a bug.
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** The HotlineError a database failure means, or the error itself when it is a bug. */
export function storeError(e: unknown, what?: string): unknown {
  if (e instanceof HotlineError) return e;
  const err = e as { code?: string; message?: string };
  if (err?.code === '23505') return new HotlineError('conflict', what ?? 'that already exists');
  if (err?.code === '40001' || err?.code === '40P01') return new HotlineError('conflict', 'a concurrent change won: try again');
  // A database that is not there or refuses our role is a configuration to fix, reported the same way.
  if (err?.code === '3D000' || err?.code?.startsWith('28')) return new HotlineError('unavailable', `the database refused the connection: ${err.message}`);
  if ((err?.code && (unavailableCodes.has(err.code) || err.code.startsWith('08'))) || /Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error/i.test(err?.message ?? '')) {
    return new HotlineError('unavailable', `the database is unreachable: ${err.message}`);
  }
  return e;
}
