import { Type, type Static } from '@sinclair/typebox';
import { precedences } from '../core/kinds/precedence.ts';
import type { MessageStatus as CoreMessageStatus } from '../core/line-state/messages.ts';
import { translationStages } from '../core/kinds/translation.ts';
import { Disputed } from './entry.ts';
import { EntryId, Nullable, Time, Words } from './words.ts';

/** Where a message stands, as the station computed it: delivered means every other party's station holds it. */
export const messageStatuses = ['sent', 'delivered', 'acknowledged', 'overdue'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

// The core's statuses, and delivered, which only the station's receipts can tell (presenters/message.ts).
const everyStatus: Exclude<CoreMessageStatus, MessageStatus> extends never ? true : never = true;
void everyStatus;

export const PrecedenceWord = Words(precedences);

export const MessageAck = Type.Object({ party: Type.String(), by: Type.String(), time: Time(), id: EntryId });
export const MessageTranslation = Type.Object({
  id: EntryId, party: Type.String(), time: Time(), translator: Type.String(), lang: Type.String(), stage: Words(translationStages), text: Type.String(),
});
export const MessageEscalation = Type.Object({ id: EntryId, party: Type.String(), time: Time(), level: Type.Integer(), notify: Nullable(Type.String()) });

/** A message as both sides see it, with its state: who acknowledged, who is still waiting, delivered, overdue. */
export const MessageView = Type.Object({
  id: EntryId,
  party: Type.String(),
  seq: Type.Integer(),
  time: Time(),
  from: Type.String(),
  text: Type.String(),
  lang: Nullable(Type.String()),
  precedence: PrecedenceWord,
  ackBy: Nullable(Time('the acknowledgement deadline')),
  template: Nullable(Type.Integer()),
  status: Words(messageStatuses),
  deliveredTo: Type.Array(Type.String()),
  waitingFor: Type.Array(Type.String({ description: 'parties still to acknowledge' })),
  acks: Type.Array(MessageAck),
  translations: Type.Array(MessageTranslation),
  escalations: Type.Array(MessageEscalation),
  exercise: Type.Boolean({ description: 'exercise traffic, not real: shown as EXERCISE, counted apart in the contact history' }),
  disputed: Type.Optional(Disputed),
});
export type MessageView = Static<typeof MessageView>;

export const MessageList = Type.Object({ messages: Type.Array(MessageView), precedences: Type.Array(PrecedenceWord) });
export type MessageList = Static<typeof MessageList>;
