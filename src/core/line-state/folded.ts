import { parseRefId } from '../kinds/ref.ts';

/**
 * Which entries a line's state has folded, by id ("party:seq"). A line
 * holds years of entries and they are folded nearly in log order, so each
 * party's log is held as a count (every seq below it is folded) and the few
 * folded out of order above it: memory grows with what arrived out of order,
 * not with history. Two states that folded the same entries hold the same
 * counts and sets, whatever order the entries came in.
 */
export class FoldedEntries {
  /** Per party: every seq below `below` is folded, and those in `above`. */
  readonly logs = new Map<string, { below: number; above: Set<number> }>();

  has(id: string): boolean {
    const ref = parseRefId(id);
    if (!ref) return false;
    const log = this.logs.get(ref.party);
    return !!log && (ref.seq < log.below || log.above.has(ref.seq));
  }

  add(id: string): void {
    const ref = parseRefId(id);
    if (!ref) return;
    let log = this.logs.get(ref.party);
    if (!log) this.logs.set(ref.party, (log = { below: 0, above: new Set() }));
    if (ref.seq < log.below) return;
    if (ref.seq !== log.below) {
      log.above.add(ref.seq);
      return;
    }
    log.below++;
    while (log.above.delete(log.below)) log.below++;
  }

  /** How many of the party's entries from seq 0 on are all folded: where a resumed fold starts. */
  sizeOf(party: string): number {
    return this.logs.get(party)?.below ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const log of this.logs.values()) n += log.below + log.above.size;
    return n;
  }
}
