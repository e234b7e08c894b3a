import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { resolvePostgres } from '../../scripts/postgres.mjs';

export interface TestDatabase {
  /** postgres://… of a fresh database of its own. */
  url: string;
  /** Drops it, ending any connection still open to it. */
  drop(): Promise<void>;
}

let server: Promise<string> | undefined;

/**
 * The test server's URL: HOTLINE_TEST_DATABASE_URL (scripts/test.mjs sets it once for every test process),
 * or, for a test file run directly with `node --test`, the same resolution scripts/postgres.mjs does
 * (the local server, else a private cluster stopped when this process exits).
 */
export function testServer(): Promise<string> {
  server ??= (async () => {
    const found = await resolvePostgres();
    // Children this process starts (station processes under test) use the same server.
    process.env.HOTLINE_TEST_DATABASE_URL = found.url;
    return found.url;
  })();
  return server;
}

/** A fresh, uniquely named database on the test server. */
export async function testDatabase(): Promise<TestDatabase> {
  const base = await testServer();
  const name = `hotline_t_${randomBytes(6).toString('hex')}`;
  await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
