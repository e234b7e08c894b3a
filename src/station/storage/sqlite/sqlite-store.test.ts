import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreSuite } from '../store.suite.ts';
import { SqliteStore } from './sqlite-store.ts';

runStoreSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-store-'));
  const path = join(dir, 'station.db');
  return {
    store: new SqliteStore(path),
    reopen: async () => new SqliteStore(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
