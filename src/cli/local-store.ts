import { readConfig } from '../station/config.ts';
import { openStore } from '../station/storage/open-store.ts';
import type { Store } from '../station/storage/store.ts';

/** Opens the station directory's database (SQLite file or PostgreSQL) for operator commands that run beside (or without) the server. */
export async function withLocalStore<T>(dir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const config = readConfig(dir);
  const store = await openStore(dir, config, { applicationName: 'hotline-cli' });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
