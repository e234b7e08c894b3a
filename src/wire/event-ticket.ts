import { Type, type Static } from '@sinclair/typebox';
import { Time } from './words.ts';

/** A one-time ticket that opens the live event stream (browsers cannot set headers on a WebSocket). */
export const EventTicket = Type.Object({
  ticket: Type.String({ description: 'connect to /v1/events?ticket=… within 30 s; it works once' }),
  expiresAt: Time(),
});
export type EventTicket = Static<typeof EventTicket>;
