import pg from 'pg';

// The PostgreSQL server's own limit, measured in the same run as the figures
// it bounds: one connection, one small row per transaction, each COMMIT
// waiting for its WAL flush (synchronous_commit on). A station that did one
// such commit per append could not append faster than this.

export interface PostgresCommitFloor {
  commitsPerS: number;
  /** The server's settings the figure depends on, as it reported them. */
  fsync: string;
  synchronousCommit: string;
  walSyncMethod: string;
}

/**
 * Raw synchronous commits per second against the database at `url`, for about
 * `ms` milliseconds. Works in a table of its own, dropped afterwards, so the
 * database may be any scratch one.
 */
export async function postgresCommitRate(url: string, ms = 2000): Promise<PostgresCommitFloor> {
  const client = new pg.Client({ connectionString: url, application_name: 'hotline-bench-floor' });
  client.on('error', () => undefined); // a dropped connection fails the query in progress, which reports it
  await client.connect();
  const table = `bench_commit_floor_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  try {
    await client.query('SET synchronous_commit = on');
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method')",
    );
    const setting = (name: string) => settings.rows.find((r) => r.name === name)?.setting ?? 'unknown';
    await client.query(`CREATE TABLE ${table} (id BIGSERIAL PRIMARY KEY, b BYTEA NOT NULL)`);
    // A row the size of a small entry, as the SQLite floor writes.
    const row = Buffer.alloc(300, 1);
    const insert = { name: 'floor-insert', text: `INSERT INTO ${table} (b) VALUES ($1)`, values: [row] };
    // Warm the connection and the prepared statement: the first commits are not the steady state.
    for (let i = 0; i < 20; i++) {
      await client.query('BEGIN');
      await client.query(insert);
      await client.query('COMMIT');
    }
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      await client.query('BEGIN');
      await client.query(insert);
      await client.query('COMMIT');
      n++;
      now = performance.now();
    }
    return { commitsPerS: (n * 1000) / (now - start), fsync: setting('fsync'), synchronousCommit: setting('synchronous_commit'), walSyncMethod: setting('wal_sync_method') };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await client.end();
  }
}

/** postgresCommitRate() on a scratch database of its own (the test set-up's server), dropped afterwards. */
export async function postgresCommitFloor(ms = 2000): Promise<PostgresCommitFloor> {
  const { testDatabase } = await import('../test/support/postgres.ts');
  const db = await testDatabase();
  try {
    return await postgresCommitRate(db.url, ms);
  } finally {
    await db.drop();
  }
}
