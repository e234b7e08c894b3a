import type { Crypto, PqSigner, Signer } from '../core/crypto.ts';
import { decodeEntry, prepareEntry, type Entry, type EntryFields, type JsonObject } from '../core/entry.ts';
import { toBase64 } from '../core/encoding.ts';
import { logOrigin } from '../core/line.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { appendLeaf, frontierNodeIds, frontierRoot, type Frontier } from '../core/merkle/frontier.ts';
import { nodeKey } from '../core/merkle/node.ts';
import { signCheckpoint } from './sign-checkpoint.ts';
import { HotlineError } from '../core/errors.ts';
import { ownLogHold, type OwnLogHold } from './recovery/own-log-hold.ts';
import type { AppendedEntry, CheckpointRecord, LogId, Store } from './storage/store.ts';

export interface AppendRequest {
  line: string;
  kind: string;
  body: JsonObject;
  seen?: Record<string, number>;
}

export interface Appended {
  line: string;
  party: string;
  seq: number;
  time: number;
  leafHash: Uint8Array;
  bytes: Uint8Array;
  /** The entry as written, so listeners need not decode the bytes again. */
  entry: Entry;
}

interface Head {
  size: number;
  frontier: Frontier;
  time: number;
}

interface Pending {
  request: AppendRequest;
  resolve: (a: Appended) => void;
  reject: (e: unknown) => void;
  /** Set once the request has gone round again after a commit lost to another writer. */
  retried?: boolean;
}

/**
 * Writes this station's own logs. Appends that arrive while a commit is under
 * way wait and go to disk together in the next one (group commit), so a burst
 * of N requests costs one fsync and one checkpoint signature, not N. Nothing
 * resolves before its commit is durable.
 */
export class Appender {
  private readonly heads = new Map<string, Head>();
  /** Logs whose head is not known to match the store (a commit failed): read again before the next batch uses them. */
  private readonly stale = new Set<string>();
  private queue: Pending[] = [];
  /** A batch is being written, or a caller has the appender to itself (exclusive()). */
  private flushing = false;
  /** Callers of exclusive() waiting for the batch under way to finish. */
  private readonly waiters: Array<() => void> = [];
  private scheduled = false;
  /** Told of every durable commit, in order: replication, metrics, live events. */
  readonly listeners: Array<(appended: Appended[], checkpoints: CheckpointRecord[]) => void> = [];

  constructor(
    private readonly deps: {
      store: Store;
      crypto: Crypto;
      signer: Signer;
      party: string;
      clock: () => number;
      /** Sizes of the other parties' logs of a line, as held now (an entry's `seen`). */
      seen?: (line: string) => Record<string, number>;
      /** Keeps appends off a log this station may not hold all of (recovery from peers). */
      hold?: OwnLogHold;
      /** The station's ML-DSA-44 signer, read at each checkpoint (a rotation swaps it); none: Ed25519 lines only. */
      pq?: () => PqSigner | undefined;
    },
  ) {
    this.hold = deps.hold ?? ownLogHold(deps.store);
    // A log recovered from peers (or written by another writer) goes on from its stored head.
    this.hold.beforeRelease((line) => this.reload(line));
  }

  private readonly hold: OwnLogHold;

  /** Loads the head of every own log; call once before appending. */
  async load(): Promise<void> {
    for (const log of await this.deps.store.logs()) {
      if (log.party !== this.deps.party) continue;
      this.heads.set(log.line, await this.readHead(log, log.size));
    }
  }

  /** Reads one own log's head from the store again (after a conflict, a fence, a recovery). */
  async reload(line: string): Promise<void> {
    const log = { line, party: this.deps.party };
    const held = (await this.deps.store.logs()).some((l) => l.line === line && l.party === this.deps.party);
    if (!held) {
      this.heads.delete(line);
      return;
    }
    this.heads.set(line, await this.readHead(log, await this.deps.store.logSize(log)));
  }

  private async readHead(log: LogId, size: number): Promise<Head> {
    const ids = frontierNodeIds(size);
    const nodes = await this.deps.store.nodes(log, ids);
    const frontier = ids.map((id) => {
      const hash = nodes.get(nodeKey(id));
      if (!hash) throw new Error(`log ${log.line}: tree node ${nodeKey(id)} is missing`);
      return hash;
    });
    const [last] = size > 0 ? await this.deps.store.entries(log, size - 1, size) : [];
    // Keep entry times non-decreasing across restarts, even if the clock stepped back.
    const time = last ? decodeEntry(last).time : 0;
    return { size, frontier, time };
  }

  size(line: string): number {
    return this.heads.get(line)?.size ?? 0;
  }

  /**
   * Starts an empty log with a signed size-0 checkpoint, so readers always
   * find one. Signed inside the transaction and only while the log is still
   * empty: if another writer opened (or wrote) it first, its head is loaded.
   */
  async open(line: string): Promise<void> {
    if (this.heads.has(line)) return;
    try {
      await this.deps.store.commit({
        entries: [], checkpoints: [], grewFrom: [{ line, party: this.deps.party, size: 0 }],
        sign: () => [this.checkpoint(line, 0, [])],
      });
      this.heads.set(line, { size: 0, frontier: [], time: 0 });
    } catch (e) {
      if (!(e instanceof HotlineError && e.code === 'conflict')) throw e;
      await this.reload(line);
    }
  }

  append(request: AppendRequest): Promise<Appended> {
    const admitted = this.hold.admit(request.line);
    const queued = () => new Promise<Appended>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
    return admitted ? admitted.then(queued) : queued();
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate lets every request already read from the sockets join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.write(batch, true);
    } finally {
      this.flushing = false;
      this.idle();
    }
  }

  /** Lets the next waiter for exclusive use in, or else the queue that built up. */
  private idle(): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter();
    else if (this.queue.length > 0) this.schedule();
  }

  /**
   * Runs `fn` with the appender to itself: no batch is being written when it
   * starts, and appends that arrive meanwhile wait in the queue (they do not
   * fail) and go out after it. `write` commits entries at once, in one
   * transaction across logs, bypassing the queue and the recovery hold
   * (the caller checks the hold). A key change uses it so that nothing of
   * this station's comes between its entries and the switch of the key.
   */
  async exclusive<T>(fn: (write: (requests: AppendRequest[]) => Promise<Appended[]>) => Promise<T>): Promise<T> {
    while (this.flushing) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.flushing = true;
    try {
      return await fn(async (requests) => {
        const pending: Pending[] = [];
        const done = requests.map((request) => new Promise<Appended>((resolve, reject) => pending.push({ request, resolve, reject })));
        await this.write(pending, false);
        return Promise.all(done);
      });
    } finally {
      this.flushing = false;
      this.idle();
    }
  }

  /** Heads of every own log this appender writes: the lines a key change writes to. */
  ownLines(): string[] {
    return [...this.heads.keys()];
  }

  /** The recovery hold on a line, if any (a key change cannot write past a log being recovered). */
  heldLine(line: string): 'waiting' | 'refused' | undefined {
    return this.hold.held(line);
  }

  private async write(batch: Pending[], retry: boolean): Promise<void> {
    const { crypto: c, signer, party, clock, store } = this.deps;
    // A head left unknown by a failed commit is read from the store first; while it cannot be, its appends are refused.
    for (const line of new Set(batch.filter((p) => this.stale.has(p.request.line)).map((p) => p.request.line))) {
      try {
        await this.reload(line);
        this.stale.delete(line);
      } catch (e) {
        const refusal = new HotlineError('unavailable', `cannot read the head of this station's log of line ${line} from the database: ${(e as Error).message}`, { retryAfter: 1 });
        for (const p of batch) if (p.request.line === line) p.reject(refusal);
        batch = batch.filter((p) => p.request.line !== line);
      }
    }
    const before = new Map<string, Head | undefined>();
    const prepared: Array<{ pending: Pending; fields: EntryFields; prep: ReturnType<typeof prepareEntry> }> = [];
    // First pass: positions and times, and the bytes to sign.
    const next = new Map<string, { size: number; time: number }>();
    for (const pending of batch) {
      const { line, kind, body } = pending.request;
      const seen = pending.request.seen ?? this.deps.seen?.(line) ?? {};
      // A log with no entries yet (e.g. its opening checkpoint was lost to a crash) simply starts here.
      const head = this.heads.get(line) ?? { size: 0, frontier: [], time: 0 };
      if (!before.has(line)) before.set(line, this.heads.has(line) ? { ...head } : undefined);
      const at = next.get(line) ?? { size: head.size, time: head.time };
      try {
        const time = Math.max(clock(), at.time);
        const fields: EntryFields = { v: 1, line, party, seq: at.size, time, kind, body, seen };
        prepared.push({ pending, fields, prep: prepareEntry(fields) });
        next.set(line, { size: at.size + 1, time });
      } catch (e) {
        pending.reject(e);
      }
    }
    const accepted: Array<{ pending: Pending; appended: Appended }> = [];
    const entries: AppendedEntry[] = [];
    try {
      const signatures = prepared.map((p) => signer.sign(p.prep.signingBytes));
      // Second pass: the entries, in order, and the tree they grow.
      prepared.forEach(({ pending, fields, prep }, i) => {
        const { line, seq, time } = fields;
        const head = this.heads.get(line) ?? { size: 0, frontier: [], time: 0 };
        const bytes = prep.finish(signatures[i]);
        const hash = leafHash(c, bytes);
        const grown = appendLeaf(c, head.frontier, seq, hash);
        entries.push({ line, party, seq, bytes, nodes: grown.nodes });
        accepted.push({ pending, appended: { line, party, seq, time, leafHash: hash, bytes, entry: { ...fields, sig: toBase64(signatures[i]) } } });
        this.heads.set(line, { size: seq + 1, frontier: grown.frontier, time });
      });
      const lines = [...new Set(entries.map((e) => e.line))];
      // Each log must still be the size this batch grew from, and its
      // checkpoint is signed only inside the transaction that stores it.
      const grewFrom = lines.map((line) => ({ line, party, size: before.get(line)?.size ?? 0 }));
      const grown = lines.map((line) => ({ line, ...this.heads.get(line)! }));
      let checkpoints: CheckpointRecord[] = [];
      const sign = () => (checkpoints = grown.map((g) => this.checkpoint(g.line, g.size, g.frontier)));
      if (entries.length > 0) await store.commit({ entries, checkpoints: [], grewFrom, sign });
      for (const a of accepted) a.pending.resolve(a.appended);
      if (accepted.length > 0) {
        const appended = accepted.map((a) => a.appended);
        for (const listener of this.listeners) listener(appended, checkpoints);
      }
    } catch (e) {
      for (const [line, head] of before) {
        if (head) this.heads.set(line, head);
        else this.heads.delete(line);
      }
      // Someone else grew the log (`conflict`), this writer was fenced
      // (`unavailable`), or the outcome is unknown (a lost connection):
      // whatever was signed for this batch is dropped with it, and the next
      // batch starts from what the store really holds.
      if (entries.length > 0) for (const line of before.keys()) this.stale.add(line);
      // Nothing of a batch lost to another writer was stored: its requests go round once more from the stored head
      // (new positions, new signatures), rather than fail for a head that was only out of date.
      const again = retry && e instanceof HotlineError && e.code === 'conflict' ? prepared.filter((p) => !p.pending.retried) : [];
      for (const p of prepared) {
        if (again.includes(p)) p.pending.retried = true;
        else p.pending.reject(e);
      }
      this.queue.unshift(...again.map((p) => p.pending));
    }
  }

  private checkpoint(line: string, size: number, frontier: Frontier): CheckpointRecord {
    return signCheckpoint({ ...this.deps, pq: this.deps.pq?.() }, line, size, frontier);
  }
}

/** This station's signed checkpoint of its own log on a line, at a size whose tree frontier is given. */
// Checkpoint signing lives in sign-checkpoint.ts (with the ML-DSA line); re-exported for the code that imported it here.
export { signCheckpoint } from './sign-checkpoint.ts';
