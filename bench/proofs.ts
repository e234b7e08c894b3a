import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Appender } from '../src/station/appender.ts';
import { LogReader } from '../src/station/log-reader.ts';
import { SqliteStore } from '../src/station/storage/sqlite/sqlite-store.ts';
import { nodeCrypto, signerFromSeed } from '../src/node/crypto.ts';
import { summarize } from './stats.ts';

const CACHE = join(process.cwd(), 'bench/.cache');

/**
 * Builds (once, then cached) a log of `size` real signed entries through the
 * station's own appender, then times proof generation from storage.
 */
export async function proofLatency(size: number, samples = 20000, log = console.log) {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `proofs-${size}.db`);
  const marker = `${path}.done`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== 'v1') {
    rmSync(path, { force: true });
    const building = `${path}.building`;
    rmSync(building, { force: true });
    rmSync(`${building}-wal`, { force: true });
    const store = new SqliteStore(building);
    const appender = new Appender({ store, crypto: nodeCrypto, signer: signerFromSeed(new Uint8Array(32).fill(9)), party: 'Bench', clock: () => 1_700_000_000_000 });
    await appender.open('bench');
    const started = performance.now();
    for (let done = 0; done < size; ) {
      const n = Math.min(20000, size - done);
      await Promise.all([...Array(n)].map((_, i) => appender.append({ line: 'bench', kind: 'message', body: { text: `entry ${done + i}` } })));
      done += n;
      if (done % 200000 === 0) log(`  built ${done} of ${size} entries (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    renameSync(building, path);
    writeFileSync(marker, 'v1');
  }
  const store = new SqliteStore(path);
  const reader = new LogReader(store, nodeCrypto);
  const logId = { line: 'bench', party: 'Bench' };
  let seed = 12345;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const inclusion: number[] = [];
  const consistency: number[] = [];
  for (let i = 0; i < 200; i++) await reader.inclusion(logId, random(size), size); // warm up
  for (let i = 0; i < samples; i++) {
    const index = random(size);
    const t = performance.now();
    await reader.inclusion(logId, index, size);
    inclusion.push((performance.now() - t) * 1000);
  }
  for (let i = 0; i < samples / 4; i++) {
    const from = 1 + random(size - 1);
    const t = performance.now();
    await reader.consistency(logId, from, size);
    consistency.push((performance.now() - t) * 1000);
  }
  await store.close();
  return { inclusion: summarize(inclusion), consistency: summarize(consistency) };
}
