import { runStoreSuite } from '../store.suite.ts';
import { PostgresStore } from './postgres-store.ts';
import { testDatabase } from '../../../../test/support/postgres.ts';

runStoreSuite('postgres', async () => {
  const db = await testDatabase();
  return {
    store: await PostgresStore.open({ url: db.url }),
    reopen: () => PostgresStore.open({ url: db.url }),
    cleanup: () => db.drop(),
  };
});
