import { checkStatus } from '../../core/line-state/checks.ts';
import type { CheckState, LineState } from '../../core/line-state/state.ts';
import type { CheckView } from '../../wire/check.ts';

export function presentCheck(s: LineState, c: CheckState, now: number): CheckView {
  const st = checkStatus(s, c, now);
  return {
    id: c.id, party: c.party, seq: c.seq, time: c.time, slot: c.slot, at: c.at, ackBy: c.ackBy, status: st.status,
    acks: [...st.acks.entries()].map(([party, a]) => ({ party, by: a.by, time: a.time, late: a.time > c.ackBy })),
    silent: st.silent,
    // The state keeps the link words as strings; the fold took them from bodies checked against linkStates.
    missed: c.missed.map((m) => ({ party: m.party, time: m.time, link: m.link as CheckView['missed'][number]['link'] })),
  };
}
