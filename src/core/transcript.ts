import type { Entry } from './entry.ts';
import { LINE_DEFINE } from './kinds/line-definition.ts';

export interface TranscriptItem {
  entry: Entry;
  /** Position of the entry in its author's log. */
  seq: number;
}

/**
 * Merges the parties' logs of one line into its transcript. An entry comes
 * after every entry its author had seen (its `seen` sizes) and after its own
 * predecessor; among entries free to go next, the earliest time wins, then
 * the party name. The result depends only on the set of entries, so every
 * station holding the same entries shows the same transcript. Entries whose
 * causes have not arrived yet are returned as `pending`. The line's signed
 * definition takes its place in the order (others have seen it) but is not
 * an item: it is the line itself, not something said on it.
 */
export function mergeTranscript(logs: Map<string, Entry[]>): { items: TranscriptItem[]; pending: number } {
  const parties = [...logs.keys()].sort();
  const taken = new Map(parties.map((p) => [p, 0]));
  const items: TranscriptItem[] = [];
  const total = parties.reduce((n, p) => n + logs.get(p)!.length, 0);
  let definitions = 0;
  for (;;) {
    let best: { party: string; entry: Entry } | undefined;
    for (const party of parties) {
      const entry = logs.get(party)![taken.get(party)!];
      if (!entry || !ready(entry, taken)) continue;
      if (!best || entry.time < best.entry.time || (entry.time === best.entry.time && party < best.party)) best = { party, entry };
    }
    if (!best) break;
    const seq = taken.get(best.party)!;
    if (best.entry.kind === LINE_DEFINE) definitions++;
    else items.push({ entry: best.entry, seq });
    taken.set(best.party, seq + 1);
  }
  return { items, pending: total - items.length - definitions };
}

function ready(entry: Entry, taken: Map<string, number>): boolean {
  for (const [party, size] of Object.entries(entry.seen)) {
    if (party === entry.party) continue;
    if ((taken.get(party) ?? 0) < size) return false;
  }
  return true;
}
