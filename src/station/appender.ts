import type { Crypto, Signer } from '../core/crypto.ts';
import { decodeEntry, prepareEntry, type Entry, type EntryFields, type JsonObject } from '../core/entry.ts';
import { toBase64 } from '../core/encoding.ts';
import { logOrigin } from '../core/line.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { appendLeaf, frontierNodeIds, frontierRoot, type Frontier } from '../core/merkle/frontier.ts';
import { nodeKey } from '../core/merkle/node.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { signNote } from '../core/note/note.ts';
import type { AppendedEntry, CheckpointRecord, Store } from './storage/store.ts';

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
}

/**
 * Writes this station's own logs. Appends that arrive while a commit is under
 * way wait and go to disk together in the next one (group commit), so a burst
 * of N requests costs one fsync and one checkpoint signature, not N. Nothing
 * resolves before its commit is durable.
 */
export class Appender {
  private readonly heads = new Map<string, Head>();
  private queue: Pending[] = [];
  private flushing = false;
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
    },
  ) {}

  /** Loads the head of every own log; call once before appending. */
  async load(): Promise<void> {
    for (const log of await this.deps.store.logs()) {
      if (log.party !== this.deps.party) continue;
      const ids = frontierNodeIds(log.size);
      const nodes = await this.deps.store.nodes(log, ids);
      const frontier = ids.map((id) => {
        const hash = nodes.get(nodeKey(id));
        if (!hash) throw new Error(`log ${log.line}: tree node ${nodeKey(id)} is missing`);
        return hash;
      });
      const [last] = log.size > 0 ? await this.deps.store.entries(log, log.size - 1, log.size) : [];
      // Keep entry times non-decreasing across restarts, even if the clock stepped back.
      const time = last ? decodeEntry(last).time : 0;
      this.heads.set(log.line, { size: log.size, frontier, time });
    }
  }

  size(line: string): number {
    return this.heads.get(line)?.size ?? 0;
  }

  /** Starts an empty log with a signed size-0 checkpoint, so readers always find one. */
  async open(line: string): Promise<void> {
    if (this.heads.has(line)) return;
    const checkpoint = this.checkpoint(line, 0, []);
    await this.deps.store.commit({ entries: [], checkpoints: [checkpoint] });
    this.heads.set(line, { size: 0, frontier: [], time: 0 });
  }

  append(request: AppendRequest): Promise<Appended> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
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
    const { crypto: c, signer, party, clock, store } = this.deps;
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
      const checkpoints = [...new Set(entries.map((e) => e.line))].map((line) => {
        const head = this.heads.get(line)!;
        return this.checkpoint(line, head.size, head.frontier);
      });
      if (entries.length > 0) await store.commit({ entries, checkpoints });
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
      for (const p of prepared) p.pending.reject(e);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private checkpoint(line: string, size: number, frontier: Frontier): CheckpointRecord {
    return signCheckpoint(this.deps, line, size, frontier);
  }
}

/** This station's signed checkpoint of its own log on a line, at a size whose tree frontier is given. */
export function signCheckpoint(deps: { crypto: Crypto; signer: Signer; party: string }, line: string, size: number, frontier: Frontier): CheckpointRecord {
  const { crypto: c, signer, party } = deps;
  const text = formatCheckpoint({ origin: logOrigin(line, party), size, root: frontierRoot(c, frontier), extensions: [] });
  return { line, party, size, note: signNote(c, text, [{ name: party, signer }]) };
}
