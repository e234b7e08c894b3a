import { compareStamps, hadSeen } from './order.ts';
import type { CallAnswer, CallState } from './state.ts';

export type CallStatus = 'ringing' | 'accepted' | 'declined' | 'unanswered' | 'cancelled' | 'ended';

export interface CallOutcome {
  status: CallStatus;
  /** The answer that counts, if any. */
  answer?: CallAnswer;
  startedAt?: number;
  endedAt?: number;
  endedBy?: string;
  participants: Array<{ party: string; name: string }>;
}

const statusOf: Record<CallAnswer['kind'], CallStatus> = { accept: 'accepted', decline: 'declined', unanswered: 'unanswered', cancel: 'cancelled' };

/**
 * Decides a call from the set of its answers, whatever order they came in.
 * An answer written after its author had seen another answer is void (its
 * station knew the call was already settled); of the rest, which can only be
 * concurrent, the earliest by time, party and position counts. So a callee
 * accepting at the moment the caller's station gave up gets the same verdict
 * on every station.
 */
export function callOutcome(call: CallState): CallOutcome {
  const live = call.answers.filter((a) => !call.answers.some((other) => other !== a && hadSeen(a, other)));
  const answer = live.sort(compareStamps)[0];
  const participants = [{ party: call.party, name: call.from }];
  if (!answer) return { status: 'ringing', participants };
  if (answer.kind !== 'accept') return { status: statusOf[answer.kind], answer, participants };
  participants.push({ party: call.toParty, name: answer.by ?? '' });
  // Only an end its author wrote knowing of the accept counts; ends are few.
  const end = call.ends.find((e) => hadSeen(e, answer) || e.id === answer.id);
  if (!end) return { status: 'accepted', answer, startedAt: answer.time, participants };
  return { status: 'ended', answer, startedAt: answer.time, endedAt: Math.max(end.time, answer.time), endedBy: end.by, participants };
}
