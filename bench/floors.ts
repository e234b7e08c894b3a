import { createServer, connect } from 'node:net';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { rate, summarize } from './stats.ts';

// The machine's own limits, measured in the same run as the figures they bound.

export async function loopbackRoundTrip(count = 5000): Promise<{ p50: number; p99: number }> {
  const server = createServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      socket.once('data', () => r());
      socket.write('x');
    });
    samples.push((performance.now() - t) * 1000);
  }
  socket.destroy();
  server.close();
  return summarize(samples);
}

export function fsyncRate(ms = 2000): number {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-fsync-'));
  const fd = openSync(join(dir, 'f'), 'w');
  const buf = Buffer.alloc(128, 1);
  const r = rate(ms, () => {
    writeSync(fd, buf);
    fsyncSync(fd);
  });
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return r;
}

/** One small row per commit, with the station's settings: the one-fsync-per-append ceiling. */
export function sqliteCommitRate(ms = 2000): number {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-sqlite-'));
  const db = new Database(join(dir, 'f.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)');
  const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
  const buf = Buffer.alloc(300, 1);
  const r = rate(ms, () => insert.run(buf));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return r;
}

export function ed25519Rates(ms = 1500): { sign: number; verify: number } {
  const signer = signerFromSeed(newSeed());
  const msg = new Uint8Array(300).fill(7);
  const sig = signer.sign(msg);
  const sign = rate(ms, () => signer.sign(msg));
  const verify = rate(ms, () => nodeCrypto.verify(signer.publicKey, msg, sig));
  return { sign, verify };
}
