import { join } from 'node:path';
import { readConfig } from '../station/config.ts';
import { SqliteStore } from '../station/storage/sqlite/sqlite-store.ts';

/** Opens the station directory's database for operator commands that run beside (or without) the server. */
export async function withLocalStore<T>(dir: string, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const config = readConfig(dir);
  const store = new SqliteStore(join(dir, config.database));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
