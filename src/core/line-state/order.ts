import type { Entry } from '../entry.ts';
import { refId } from '../kinds/ref.ts';

/** Where an entry sits and what its author had seen: all an order needs. */
export interface Stamp {
  id: string;
  party: string;
  seq: number;
  time: number;
  seen: Record<string, number>;
}

export function stampOf(e: Entry): Stamp {
  return { id: refId(e), party: e.party, seq: e.seq, time: e.time, seen: e.seen };
}

/**
 * A total order on entries that needs no transcript: author time, then party,
 * then position. Every station holding the same entries orders them the same,
 * whatever order they arrived in.
 */
export function compareStamps(a: Stamp, b: Stamp): number {
  return a.time - b.time || (a.party < b.party ? -1 : a.party > b.party ? 1 : 0) || a.seq - b.seq;
}

/** Whether `later`'s author had already seen `earlier` when writing it. */
export function hadSeen(later: Stamp, earlier: Stamp): boolean {
  if (later.party === earlier.party) return later.seq > earlier.seq;
  return (later.seen[earlier.party] ?? 0) > earlier.seq;
}

/** Inserts keeping `list` sorted by compareStamps; an entry already there is not added twice. */
export function insertStamped<T extends Stamp>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && compareStamps(list[i - 1], item) > 0) i--;
  if (i > 0 && list[i - 1].id === item.id) return;
  list.splice(i, 0, item);
}
