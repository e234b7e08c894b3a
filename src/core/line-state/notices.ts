import { areasOverlap } from '../notice-area/overlap.ts';
import { bandsOverlap, windowsOverlap } from '../notice-area/band.ts';
import type { LineState, NoticeState, Overlap } from './state.ts';
import type { Stamp } from './order.ts';

type Extent = Pick<NoticeState, 'area' | 'altitude' | 'window'>;

/** Two notices conflict when they share a place, a height and a moment. Cheapest test first. */
export function noticesConflict(a: Extent, b: Extent): boolean {
  return windowsOverlap(a.window, b.window) && bandsOverlap(a.altitude, b.altitude) && areasOverlap(a.area, b.area);
}

export interface ConflictView extends Overlap {
  /** False once either notice is withdrawn; the record of the conflict stays. */
  active: boolean;
  /** Conflict entries, by whichever parties recorded it. */
  records: Stamp[];
}

export function conflicts(s: LineState): ConflictView[] {
  const out: ConflictView[] = [];
  for (const o of s.overlaps.values()) {
    const [a, b] = o.notices.map((id) => s.notices.get(id)!);
    out.push({ ...o, active: !a.withdrawn && !b.withdrawn, records: s.conflictRecords.get(o.id) ?? [] });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** Parties other than the author that have acknowledged the notice (first acknowledgement each). */
export function noticeAcks(s: LineState, n: NoticeState) {
  return firstAckPerParty(n.acks, n.party);
}

export function firstAckPerParty<T extends Stamp & { by: string }>(acks: T[], author: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const a of acks) if (a.party !== author && !out.has(a.party)) out.set(a.party, a);
  return out;
}
