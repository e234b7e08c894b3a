import { callOutcome } from '../../core/line-state/calls.ts';
import type { CallState } from '../../core/line-state/state.ts';
import type { CallView } from '../../wire/call.ts';

export function presentCall(c: CallState): CallView {
  const o = callOutcome(c);
  return {
    id: c.id, party: c.party, seq: c.seq, time: c.time, from: c.from, toParty: c.toParty, to: c.to ?? null, ringUntil: c.ringUntil,
    status: o.status,
    answer: o.answer ? { kind: o.answer.kind, by: o.answer.by ?? null, time: o.answer.time, reason: o.answer.reason ?? null, id: o.answer.id } : null,
    startedAt: o.startedAt ?? null, endedAt: o.endedAt ?? null, endedBy: o.endedBy ?? null,
    durationMs: o.startedAt !== undefined && o.endedAt !== undefined ? o.endedAt - o.startedAt : null,
    participants: o.participants,
    // Both consoles' DTLS fingerprints, as their stations signed them: a station
    // relaying different keys would have to sign its own into the record.
    fingerprints: { caller: c.fingerprint ?? null, callee: o.status === 'accepted' || o.status === 'ended' ? (o.answer?.fingerprint ?? null) : null },
    exercise: c.exercise === true,
  };
}
