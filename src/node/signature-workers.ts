import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchVerifier, SignatureCheck } from '../core/crypto.ts';

// Ed25519 checks on worker threads, for verifying a whole log: the main
// thread decodes entries and grows the tree while the workers check the
// signatures. The worker is a few lines of plain JavaScript over node:crypto,
// evaluated from this string, so it needs no TypeScript loader of its own.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
function keyOf(raw) {
  const id = Buffer.from(raw).toString('hex');
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keys.size > 1000) keys.clear();
    keys.set(id, key);
  }
  return key;
}
parentPort.on('message', ({ id, checks }) => {
  const ok = checks.map((c) => {
    if (c.publicKey.length !== 32 || c.signature.length !== 64) return false;
    try {
      return verify(null, c.message, keyOf(c.publicKey), c.signature);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id, ok });
});
`;

/** One thread per core (at most 8): the thread that reads the log mostly waits on the network and on these. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Threads that check Ed25519 signatures in batches. Close it when done: the threads keep the process alive. */
export class SignatureWorkers implements BatchVerifier {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (ok: boolean[]) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed?: Error;

  constructor(readonly size = defaultThreads()) {
    this.workers = [...Array(size)].map(() => {
      const w = new Worker(WORKER, { eval: true });
      w.on('message', ({ id, ok }: { id: number; ok: boolean[] }) => {
        this.waiting.get(id)?.resolve(ok);
        this.waiting.delete(id);
      });
      // A thread that dies takes its batches with it: every waiting batch fails, and so does every later one.
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => code !== 0 && this.fail(new Error(`a signature thread exited with code ${code}`)));
      return w;
    });
  }

  verifyAll(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    if (this.failed) return Promise.reject(this.failed);
    if (checks.length === 0) return Promise.resolve([]);
    const id = this.next++;
    const worker = this.workers[id % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, checks: checks.map(({ publicKey, message, signature }) => ({ publicKey, message, signature })) });
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the signature threads were closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
