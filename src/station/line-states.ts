import { decodeEntry, type Entry } from '../core/entry.ts';
import { foldEntry } from '../core/line-state/fold.ts';
import { createLineState, type LineState } from '../core/line-state/state.ts';
import type { LogId, Store } from './storage/store.ts';

/**
 * The folded state of each line, built from the logs on first use and kept
 * current as entries are written or received. The fold ignores order and
 * repeats, so an entry that arrives while a line is being loaded is simply
 * folded again afterwards.
 */
export class LineStates {
  private readonly states = new Map<string, LineState>();
  private readonly loading = new Map<string, Promise<LineState | null>>();
  private readonly arrivedWhileLoading = new Map<string, Entry[]>();

  constructor(private readonly deps: { store: Store; me: string; held: (log: LogId) => number }) {}

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
      return state;
    }
    if (this.loading.has(line)) {
      const held = this.arrivedWhileLoading.get(line);
      if (held) held.push(...entries);
      else this.arrivedWhileLoading.set(line, [...entries]);
    }
    return undefined;
  }

  private async load(id: string): Promise<LineState | null> {
    const line = await this.deps.store.line(id);
    if (!line) return null;
    const state = createLineState(line, this.deps.me);
    for (const party of line.parties) {
      const log = { line: id, party: party.name };
      const size = this.deps.held(log);
      for (let start = 0; start < size; start += 10_000) {
        for (const bytes of await this.deps.store.entries(log, start, Math.min(size, start + 10_000))) foldEntry(state, decodeEntry(bytes));
      }
    }
    for (const e of this.arrivedWhileLoading.get(id) ?? []) foldEntry(state, e);
    this.arrivedWhileLoading.delete(id);
    this.states.set(id, state);
    return state;
  }
}
