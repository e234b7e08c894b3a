import { messageProgress } from '../../core/line-state/messages.ts';
import type { LineState, MessageState } from '../../core/line-state/state.ts';
import type { MessageStatus, MessageView } from '../../wire/message.ts';
import type { Disputed } from './disputed.ts';

/**
 * A message as both sides see it. `receipts` are the cosigned sizes of the
 * author's log per cosigner: a peer that cosigned past the message holds it.
 * `disputed` marks a message a revoked key signed after its compromise.
 */
export function presentMessage(s: LineState, m: MessageState, receipts: Map<string, number>, now: number, disputed?: Disputed): MessageView {
  const p = messageProgress(s, m, now);
  const others = s.line.parties.map((x) => x.name).filter((x) => x !== m.party);
  const deliveredTo = others.filter((x) => (receipts.get(x) ?? 0) > m.seq);
  const status: MessageStatus = p.status === 'acknowledged' ? 'acknowledged' : p.status === 'overdue' ? 'overdue' : deliveredTo.length === others.length ? 'delivered' : 'sent';
  const view: MessageView = {
    id: m.id, party: m.party, seq: m.seq, time: m.time, from: m.from, text: m.text, lang: m.lang ?? null,
    precedence: m.precedence, ackBy: m.ackBy ?? null, template: m.template ?? null, exercise: m.exercise === true,
    status, deliveredTo, waitingFor: p.waitingFor,
    acks: [...p.acks.entries()].map(([party, a]) => ({ party, by: a.by, time: a.time, id: a.id })),
    translations: m.translations.map((t) => ({ id: t.id, party: t.party, time: t.time, translator: t.translator, lang: t.lang, stage: t.stage, text: t.text })),
    escalations: m.escalations.map((e) => ({ id: e.id, party: e.party, time: e.time, level: e.level, notify: e.notify })),
  };
  if (disputed?.(m.party, m.seq, m.time)) view.disputed = true;
  return view;
}
