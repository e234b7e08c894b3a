import type { ReadoutRecord } from '../../core/line-state/state.ts';
import type { ReadoutsByParty } from '../../wire/readout.ts';

/** Every party's published readouts of one call, side by side, each in versions. */
export function presentReadouts(parties: string[], records: ReadoutRecord[]): ReadoutsByParty {
  const byParty: ReadoutsByParty = {};
  for (const p of parties) byParty[p] = [];
  // Versions follow the author's own log order, which no arrival order changes.
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    const list = (byParty[r.party] ??= []);
    list.push({ id: r.id, version: list.length + 1, time: r.time, by: r.by, text: r.text, lang: r.lang ?? null, public: r.public });
  }
  return byParty;
}
