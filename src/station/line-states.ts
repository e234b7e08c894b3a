import type { Logger } from 'pino';
import { decodeEntry, type Entry } from '../core/entry.ts';
import { foldEntry } from '../core/line-state/fold.ts';
import { fromSnapshot, toSnapshot, type LineStateSnapshot } from '../core/line-state/snapshot.ts';
import { createLineState, type LineState } from '../core/line-state/state.ts';
import type { LogId, Store } from './storage/store.ts';

/** Entries folded into a line between two saved snapshots. */
export const SNAPSHOT_EVERY = 10_000;
const READ_CHUNK = 10_000;

/** Where a line's snapshot is kept, with the log sizes it covers. */
export function snapshotKey(line: string): string {
  return `line-state:${line}`;
}

export interface SavedLineState {
  /** Entries of each party's log folded into it: a resumed fold starts there. */
  sizes: Record<string, number>;
  state: LineStateSnapshot;
}

/**
 * The folded state of each line, resumed on first use from its last saved
 * snapshot and the entries written since, and kept current as entries are
 * written or received; saved again every SNAPSHOT_EVERY entries and on
 * close, so a line with years of records loads in the time it takes to fold
 * its last few thousand. The fold ignores order and repeats, so an entry
 * that arrives while a line is being loaded is simply folded again
 * afterwards, and a snapshot that covers a little less than the state did
 * costs only a few repeats.
 */
export class LineStates {
  private readonly states = new Map<string, LineState>();
  private readonly loading = new Map<string, Promise<LineState | null>>();
  private readonly arrivedWhileLoading = new Map<string, Entry[]>();
  /** Entries folded into each loaded line since its snapshot was saved. */
  private readonly unsaved = new Map<string, number>();
  private readonly saving = new Map<string, Promise<void>>();
  private readonly loads = new Map<string, { resumed: boolean; folded: number }>();

  constructor(private readonly deps: { store: Store; me: string; held: (log: LogId) => number; logger?: Logger; snapshotEvery?: number }) {}

  get(id: string): Promise<LineState | null> {
    const ready = this.states.get(id);
    if (ready) return Promise.resolve(ready);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Folds new entries of a line; returns its state if it is loaded. */
  fold(line: string, entries: Entry[]): LineState | undefined {
    const state = this.states.get(line);
    if (state) {
      for (const e of entries) foldEntry(state, e);
      this.folded(line, entries.length);
      return state;
    }
    if (this.loading.has(line)) {
      const held = this.arrivedWhileLoading.get(line);
      if (held) held.push(...entries);
      else this.arrivedWhileLoading.set(line, [...entries]);
    }
    return undefined;
  }

  /** How the line's state was last loaded: from a snapshot or not, and how many entries were folded. */
  lastLoad(id: string): { resumed: boolean; folded: number } | undefined {
    return this.loads.get(id);
  }

  /** Drops a line's state (its definition changed, perhaps in another process): the next use resumes it from storage. */
  async forget(id: string): Promise<void> {
    await this.saving.get(id);
    this.states.delete(id);
    this.unsaved.delete(id);
  }

  /** Saves every line folded since its last snapshot; call before closing the store. */
  async save(): Promise<void> {
    await Promise.all([...this.unsaved.keys()].map((line) => this.saveLine(line)));
    await Promise.all([...this.saving.values()]);
  }

  private folded(line: string, count: number): void {
    const n = (this.unsaved.get(line) ?? 0) + count;
    this.unsaved.set(line, n);
    if (n >= (this.deps.snapshotEvery ?? SNAPSHOT_EVERY) && !this.saving.has(line)) void this.saveLine(line);
  }

  private saveLine(line: string): Promise<void> {
    const running = this.saving.get(line);
    if (running) return running;
    const state = this.states.get(line);
    if (!state) return Promise.resolve();
    const sizes = Object.fromEntries(state.line.parties.map((p) => [p.name, state.applied.sizeOf(p.name)]));
    // Taken synchronously: what is saved is exactly the state with these sizes.
    const value: SavedLineState = { sizes, state: toSnapshot(state) };
    this.unsaved.set(line, 0);
    const done = this.deps.store.setSetting(snapshotKey(line), value)
      .catch((e) => this.deps.logger?.warn({ reason: (e as Error).message }, 'could not save a line state snapshot'))
      .finally(() => this.saving.delete(line));
    this.saving.set(line, done);
    return done;
  }

  private async load(id: string): Promise<LineState | null> {
    const { store, me, held } = this.deps;
    const line = await store.line(id);
    if (!line) return null;
    const saved = (await store.setting(snapshotKey(id))) as SavedLineState | null | undefined;
    let state = saved ? fromSnapshot(line, me, saved.state) : undefined;
    // A snapshot beyond what is stored cannot stand for these logs: fold from the start. One a little beyond what this
    // process holds yet (a replica behind the one that saved it) is fine: those entries are stored, and are repeats later.
    if (state) {
      for (const p of line.parties) if (state && state.applied.sizeOf(p.name) > (await store.logSize({ line: id, party: p.name }))) state = undefined;
    }
    const resumed = state !== undefined;
    state ??= createLineState(line, me);
    let count = 0;
    for (const party of line.parties) {
      const log = { line: id, party: party.name };
      const size = held(log);
      for (let start = state.applied.sizeOf(party.name); start < size; start += READ_CHUNK) {
        for (const bytes of await store.entries(log, start, Math.min(size, start + READ_CHUNK))) foldEntry(state, decodeEntry(bytes));
        count += Math.min(size, start + READ_CHUNK) - start;
        // A long fold (no snapshot yet) leaves the station serving other requests meanwhile.
        if (size - start > READ_CHUNK) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (const e of this.arrivedWhileLoading.get(id) ?? []) foldEntry(state, e);
    this.arrivedWhileLoading.delete(id);
    this.states.set(id, state);
    this.loads.set(id, { resumed, folded: count });
    this.folded(id, count);
    return state;
  }
}
