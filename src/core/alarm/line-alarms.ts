import type { Entry } from '../entry.ts';
import { refId } from '../kinds/ref.ts';
import { callOutcome } from '../line-state/calls.ts';
import { messageProgress } from '../line-state/messages.ts';
import type { LineState } from '../line-state/state.ts';
import { alarmKey, messageAlarmKind, type AlarmChange } from './alarm.ts';

const refOf = (body: Record<string, unknown>, field: string): string | undefined => {
  const r = body[field] as { party?: unknown; seq?: unknown } | undefined;
  return r && typeof r.party === 'string' && typeof r.seq === 'number' ? refId({ party: r.party, seq: r.seq }) : undefined;
};

/**
 * What entries just folded into a line change in its alarms, for the
 * station holding the state (`s.me`): a FLASH or IMMEDIATE from another party
 * raises one, which our own acknowledgement clears; a call ringing for us
 * raises one, which any answer clears, and an unanswered one leaves a
 * missed-call alarm; our message acknowledged by everyone clears its
 * overdue alarm. Pure: the same state and entries give the same changes, so
 * a re-fold or a second replica raises nothing twice (the keys are per cause).
 */
export function lineAlarms(s: LineState, entries: Entry[]): AlarmChange[] {
  const line = s.line.id;
  const out: AlarmChange[] = [];
  for (const e of entries) {
    const id = refId(e);
    switch (e.kind) {
      case 'message': {
        const m = s.messages.get(id);
        const kind = m && m.party !== s.me ? messageAlarmKind(m.precedence) : undefined;
        if (!m || !kind) break;
        const ours = m.acks.find((a) => a.party === s.me);
        // Raised even when already acknowledged (a message folded after its ack): the record shows it, cleared.
        out.push({ type: 'raise', key: alarmKey.message(line, id), kind, at: e.time, line, item: id, party: m.party, precedence: m.precedence, ...(m.exercise ? { detail: { exercise: true } } : {}) });
        if (ours) out.push({ type: 'clear', key: alarmKey.message(line, id), at: ours.time, why: 'acknowledged', by: ours.by });
        break;
      }
      case 'ack': {
        const r = refOf(e.body, 'ref');
        const m = r ? s.messages.get(r) : undefined;
        if (!r || !m) break;
        const by = typeof e.body.by === 'string' ? e.body.by : undefined;
        // Only where an alarm can be: a ROUTINE acknowledged in time clears nothing (and costs no write).
        if (e.party === s.me && m.party !== s.me) {
          if (messageAlarmKind(m.precedence)) out.push({ type: 'clear', key: alarmKey.message(line, r), at: e.time, why: 'acknowledged', by });
          for (const x of m.escalations) out.push({ type: 'clear', key: alarmKey.deadline(line, r, x.level), at: e.time, why: 'acknowledged', by });
        }
        const late = m.ackBy !== undefined && e.time >= m.ackBy;
        if (m.party === s.me && late && messageProgress(s, m, e.time).status === 'acknowledged') out.push({ type: 'clear', key: alarmKey.overdue(line, r), at: e.time, why: 'acknowledged' });
        break;
      }
      case 'call.request': {
        const c = s.calls.get(id);
        if (!c || c.toParty !== s.me || c.party === s.me) break;
        out.push({ type: 'raise', key: alarmKey.call(line, id), kind: 'call', at: e.time, line, item: id, party: c.party, detail: { from: c.from, ...(c.to ? { to: c.to } : {}), ...(c.exercise ? { exercise: true } : {}) } });
        out.push(...callSettled(s, line, id));
        break;
      }
      case 'call.accept': case 'call.decline': case 'call.unanswered': case 'call.cancel': {
        const r = refOf(e.body, 'call');
        if (r) out.push(...callSettled(s, line, r));
        break;
      }
    }
  }
  return out;
}

const settledWord = { accepted: 'answered', ended: 'answered', declined: 'declined', cancelled: 'cancelled', unanswered: 'unanswered' } as const;

function callSettled(s: LineState, line: string, id: string): AlarmChange[] {
  const c = s.calls.get(id);
  if (!c || c.toParty !== s.me || c.party === s.me) return [];
  const outcome = callOutcome(c);
  if (outcome.status === 'ringing' || !outcome.answer) return [];
  const at = outcome.answer.time;
  const out: AlarmChange[] = [{ type: 'clear', key: alarmKey.call(line, id), at, why: settledWord[outcome.status], by: outcome.answer.by }];
  if (outcome.status === 'unanswered') out.push({ type: 'raise', key: alarmKey.missedCall(line, id), kind: 'call-missed', at, line, item: id, party: c.party, detail: { from: c.from } });
  return out;
}
