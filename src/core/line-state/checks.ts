import { firstAckPerParty } from './notices.ts';
import type { CheckState, LineState } from './state.ts';

export type CheckStatus = 'waiting' | 'answered' | 'late' | 'missed';

/**
 * A check is answered when every other party acknowledged it in its window,
 * late when the last acknowledgement came after, missed when the window
 * closed with someone silent (recorded or not yet).
 */
export function checkStatus(s: LineState, c: CheckState, now: number): { status: CheckStatus; acks: Map<string, { by: string; time: number }>; silent: string[] } {
  const acks = firstAckPerParty(c.acks, c.party);
  const silent = s.line.parties.map((p) => p.name).filter((p) => p !== c.party && !acks.has(p));
  if (silent.length === 0) {
    const late = [...acks.values()].some((a) => a.time > c.ackBy);
    return { status: late ? 'late' : 'answered', acks, silent };
  }
  return { status: c.missed.length > 0 || now >= c.ackBy ? 'missed' : 'waiting', acks, silent };
}
