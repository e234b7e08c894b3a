import { firstAckPerParty } from './notices.ts';
import type { LineState, MessageState } from './state.ts';

export type MessageStatus = 'sent' | 'acknowledged' | 'overdue';

export interface MessageProgress {
  /** Each other party's first acknowledgement: who, when. */
  acks: Map<string, { by: string; time: number; id: string }>;
  /** Parties still to acknowledge. */
  waitingFor: string[];
  status: MessageStatus;
  /** Milliseconds from sending to the last needed acknowledgement. */
  ackMs?: number;
}

/** Where a message stands for the sender; `now` decides overdue. Delivery comes from receipts, not entries. */
export function messageProgress(s: LineState, m: MessageState, now: number): MessageProgress {
  const acks = firstAckPerParty(m.acks, m.party);
  const waitingFor = s.line.parties.map((p) => p.name).filter((p) => p !== m.party && !acks.has(p));
  if (waitingFor.length === 0) {
    const last = Math.max(...[...acks.values()].map((a) => a.time));
    return { acks, waitingFor, status: 'acknowledged', ackMs: Math.max(0, last - m.time) };
  }
  return { acks, waitingFor, status: m.ackBy !== undefined && now >= m.ackBy ? 'overdue' : 'sent' };
}
