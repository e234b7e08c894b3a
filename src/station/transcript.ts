import { decodeEntry, type Entry } from '../core/entry.ts';
import { LINE_DEFINE } from '../core/kinds/line-definition.ts';
import type { TranscriptItem } from '../core/transcript.ts';
import type { LineRecord, LogId, Store } from './storage/store.ts';

export interface TranscriptView {
  /** The requested page. */
  items: Array<TranscriptItem & { bytes: Uint8Array; deliveredTo: string[] }>;
  total: number;
  pending: number;
}

/** Items between two marks of a line's merge. */
export const MARK_EVERY = 1024;
const WINDOW = 1024;
/** Steps of a merge between saves of its index. */
const SAVE_EVERY = 20_000;
const INDEX_VERSION = 1;

/** The merge's position after some steps: how many of each log it took, and what it made of them. */
interface Mark {
  taken: number[];
  items: number;
  definitions: number;
  /** The latest author time picked from here to the next mark: a later entry cannot change that stretch. */
  maxTime: number;
}

/**
 * Where a line's transcript merge stands, without its entries: the log
 * sizes it covers, a mark every MARK_EVERY items and the end. A page is
 * read by re-running the merge from the mark before it over a window of
 * each log; a grown log re-runs it only from the first mark a new entry
 * could change. Kept for every line read (a few numbers per thousand
 * entries) and saved, so a restart does not re-merge years of records.
 */
interface MergeIndex {
  v: number;
  markEvery: number;
  parties: string[];
  sizes: number[];
  marks: Mark[];
  end: Mark;
}

export function transcriptIndexKey(line: string): string {
  return `transcript:${line}`;
}

/**
 * Reads lines' transcripts a page at a time, in the order mergeTranscript
 * (src/core/transcript.ts) defines, holding only a window of each log while
 * it reads: memory follows the pages asked for, not the length of the line.
 */
export class Transcripts {
  private readonly indexes = new Map<string, MergeIndex>();
  private readonly updating = new Map<string, Promise<MergeIndex>>();

  private readonly markEvery: number;
  private readonly saveEvery: number;

  constructor(private readonly store: Pick<Store, 'entries' | 'setting' | 'setSetting' | 'cosignedSizes'>, options: { markEvery?: number; saveEvery?: number } = {}) {
    this.markEvery = options.markEvery ?? MARK_EVERY;
    this.saveEvery = options.saveEvery ?? SAVE_EVERY;
  }

  async read(line: LineRecord, held: (party: string) => number, start = 0, limit = Infinity): Promise<TranscriptView> {
    const parties = line.parties.map((p) => p.name).sort();
    const sizes = parties.map((p) => held(p));
    const index = await this.current(line.id, parties, sizes);
    const total = index.end.items;
    const pending = sizes.reduce((n, s) => n + s, 0) - index.end.items - index.end.definitions;
    const receipts = new Map<string, Map<string, number>>();
    for (const party of parties) receipts.set(party, await this.store.cosignedSizes({ line: line.id, party }));
    const items: TranscriptView['items'] = [];
    if (start < total && limit > 0) {
      const from = index.marks[Math.floor(start / index.markEvery)];
      const logs = windows(this.store, line.id, parties, index.sizes);
      await merge(logs, index.sizes, { ...from, taken: [...from.taken] }, {
        until: (m) => m.items >= start + limit,
        picked: (p, seq, entry, bytes, m) => {
          if (entry.kind === LINE_DEFINE || m.items - 1 < start) return;
          const party = parties[p];
          items.push({
            entry, seq, bytes,
            deliveredTo: [...receipts.get(party)!].filter(([cosigner, size]) => size > seq && parties.includes(cosigner)).map(([c]) => c).sort(),
          });
        },
      });
    }
    return { pending, total, items };
  }

  /** The line's merge index brought up to `sizes`, one update at a time per line. */
  private current(line: string, parties: string[], sizes: number[]): Promise<MergeIndex> {
    const before = this.updating.get(line) ?? Promise.resolve(undefined);
    const next = before.catch(() => undefined).then(() => this.update(line, parties, sizes));
    this.updating.set(line, next);
    void next.finally(() => {
      if (this.updating.get(line) === next) this.updating.delete(line);
    }).catch(() => undefined);
    return next;
  }

  private async update(line: string, parties: string[], sizes: number[]): Promise<MergeIndex> {
    let index = this.indexes.get(line) ?? (await this.saved(line));
    const fits = index && index.markEvery === this.markEvery && index.parties.join('\n') === parties.join('\n');
    if (!index || !fits) index = fresh(parties, this.markEvery);
    // An index saved for more than is held here (another replica, a moment ahead) still serves up to where it used only held entries.
    else if (!index.sizes.every((s, i) => s <= sizes[i])) index = cutTo(index, sizes);
    if (index.sizes.every((s, i) => s === sizes[i])) {
      this.indexes.set(line, index);
      return index;
    }
    const logs = windows(this.store, line, parties, sizes);
    const from = await resumePoint(index, logs, sizes);
    // Marks stay at multiples of MARK_EVERY items: re-running from a mark drops the marks after it and reopens its stretch.
    const marks = index.marks.slice(0, from.mark + 1);
    marks[from.mark] = { ...marks[from.mark], maxTime: from.state === index.end ? marks[from.mark].maxTime : -Infinity };
    const state: Mark = { ...from.state, taken: [...from.state.taken] };
    let steps = 0;
    await merge(logs, sizes, state, {
      picked: (_p, _seq, entry, _bytes, m) => {
        steps++;
        const stretch = marks[marks.length - 1];
        if (entry.time > stretch.maxTime) stretch.maxTime = entry.time;
        if (entry.kind !== LINE_DEFINE && m.items % this.markEvery === 0) marks.push({ ...m, taken: [...m.taken], maxTime: -Infinity });
      },
    });
    const updated: MergeIndex = { v: INDEX_VERSION, markEvery: this.markEvery, parties, sizes: [...sizes], marks, end: { ...state, taken: [...state.taken], maxTime: -Infinity } };
    this.indexes.set(line, updated);
    if (steps >= this.saveEvery) await this.store.setSetting(transcriptIndexKey(line), updated);
    return updated;
  }

  private async saved(line: string): Promise<MergeIndex | undefined> {
    const v = (await this.store.setting(transcriptIndexKey(line))) as MergeIndex | null | undefined;
    if (!v || v.v !== INDEX_VERSION || !Array.isArray(v.marks) || v.marks.length === 0 || !v.end) return undefined;
    // JSON has no -Infinity: an empty stretch was saved as null.
    for (const m of v.marks) m.maxTime ??= -Infinity;
    return v;
  }
}

function fresh(parties: string[], markEvery: number): MergeIndex {
  const zero: Mark = { taken: parties.map(() => 0), items: 0, definitions: 0, maxTime: -Infinity };
  return { v: INDEX_VERSION, markEvery, parties, sizes: parties.map(() => 0), marks: [zero], end: { ...zero, taken: [...zero.taken] } };
}

/**
 * The index for the logs cut to `sizes`, from one for longer logs: up to
 * its last mark that took only entries within `sizes`, the merge of the
 * shorter logs made the same picks (each was the best of more candidates),
 * and there it has taken everything, so that mark is also its end.
 */
function cutTo(index: MergeIndex, sizes: number[]): MergeIndex {
  let m = index.marks.length - 1;
  while (m > 0 && !index.marks[m].taken.every((t, p) => t <= sizes[p])) m--;
  const at = index.marks[m];
  const mark: Mark = { ...at, taken: [...at.taken], maxTime: -Infinity };
  return { ...index, sizes: [...at.taken], marks: [...index.marks.slice(0, m), mark], end: { ...mark, taken: [...at.taken] } };
}

/**
 * The latest point of the old merge that the grown logs cannot have
 * changed. A new entry of log p can only be picked once p's old entries
 * are all taken and it is ready, which once true stays true, and only
 * instead of an old pick later than it (author times, then party). So the
 * merge is re-run from the first stretch between marks where both could
 * hold — usually the last one, as new entries are the latest.
 */
async function resumePoint(index: MergeIndex, logs: LogWindows, sizes: number[]): Promise<{ mark: number; state: Mark }> {
  const heads: Array<{ p: number; entry: Entry }> = [];
  for (let p = 0; p < sizes.length; p++) {
    if (sizes[p] > index.sizes[p]) heads.push({ p, entry: (await logs[p].at(index.sizes[p])).entry });
  }
  const changes = (at: Mark) => heads.some((h) => at.taken[h.p] >= index.sizes[h.p] && ready(h.entry, index.parties, at.taken));
  for (let m = 0; m < index.marks.length; m++) {
    const stretchEnd = index.marks[m + 1] ?? index.end;
    // A new entry at time t loses to an old pick at t only on party order: compare with >=.
    if (changes(stretchEnd) && heads.some((h) => index.marks[m].maxTime >= h.entry.time)) return { mark: m, state: index.marks[m] };
  }
  return { mark: index.marks.length - 1, state: index.end };
}

/**
 * The greedy merge of mergeTranscript, from a given position: among the
 * logs' next entries whose causes are all taken, the earliest time wins,
 * then the party name. Moves `at` forward; stops when nothing is ready or
 * `until` says so.
 */
async function merge(
  logs: LogWindows,
  sizes: number[],
  at: Mark,
  on: { until?: (at: Mark) => boolean; picked: (p: number, seq: number, entry: Entry, bytes: Uint8Array, at: Mark) => void },
): Promise<void> {
  const parties = logs.map((l) => l.party);
  while (!on.until?.(at)) {
    let best = -1;
    let bestEntry: Entry | undefined;
    let bestBytes: Uint8Array | undefined;
    for (let p = 0; p < logs.length; p++) {
      if (at.taken[p] >= sizes[p]) continue;
      const head = await logs[p].at(at.taken[p]);
      if (!ready(head.entry, parties, at.taken)) continue;
      // Parties are sorted, so the first of equal times is the smaller name.
      if (!bestEntry || head.entry.time < bestEntry.time) {
        best = p;
        bestEntry = head.entry;
        bestBytes = head.bytes;
      }
    }
    if (!bestEntry) return;
    const seq = at.taken[best];
    at.taken[best] = seq + 1;
    if (bestEntry.kind === LINE_DEFINE) at.definitions++;
    else at.items++;
    on.picked(best, seq, bestEntry, bestBytes!, at);
  }
}

function ready(entry: Entry, parties: string[], taken: number[]): boolean {
  for (const [party, size] of Object.entries(entry.seen)) {
    if (party === entry.party) continue;
    const p = parties.indexOf(party);
    if ((p < 0 ? 0 : taken[p]) < size) return false;
  }
  return true;
}

type LogWindows = LogWindow[];

function windows(store: Pick<Store, 'entries'>, line: string, parties: string[], sizes: number[]): LogWindows {
  return parties.map((party, p) => new LogWindow(store, { line, party }, sizes[p]));
}

/** A stretch of one log, decoded, read ahead as the merge walks it: never a whole log at once. */
class LogWindow {
  private start = 0;
  private entries: Entry[] = [];
  private bytes: Uint8Array[] = [];

  constructor(private readonly store: Pick<Store, 'entries'>, private readonly log: LogId, private readonly size: number) {}

  get party(): string {
    return this.log.party;
  }

  async at(seq: number): Promise<{ entry: Entry; bytes: Uint8Array }> {
    if (seq < this.start || seq >= this.start + this.entries.length) {
      const end = Math.min(this.size, seq + WINDOW);
      this.bytes = await this.store.entries(this.log, seq, end);
      if (this.bytes.length !== end - seq) throw new Error(`log ${this.log.party} on line ${this.log.line}: entries ${seq}..${end} are not all stored`);
      this.entries = this.bytes.map((b) => decodeEntry(b));
      this.start = seq;
    }
    return { entry: this.entries[seq - this.start], bytes: this.bytes[seq - this.start] };
  }
}
