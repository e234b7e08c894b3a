import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { MessageBody } from '../../../core/kinds/message.ts';
import { precedences } from '../../../core/kinds/precedence.ts';
import { TranslationBody } from '../../../core/kinds/translation.ts';
import { acknowledge } from '../../commands/acknowledger.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { sendMessage, translateMessage } from '../../commands/message-sender.ts';
import { lineFor } from '../../line-access.ts';
import { presentMessage } from '../../presenters/message.ts';
import { disputesOn } from '../../keys/revocation-disputes.ts';
import { appendedView } from '../appended-view.ts';
import { memberOf } from '../member-of.ts';
import { ItemParams, LineParams } from '../schemas.ts';
import { Appended } from '../../../wire/appended.ts';
import { MessageList, MessageView } from '../../../wire/message.ts';
import { errors } from '../../../wire/responses.ts';

const LIMIT = 200;
const MessageQuery = Type.Object({
  open: Type.Optional(Type.Boolean({ description: 'only messages still waiting for an acknowledgement' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: LIMIT })),
});

// A write that appends an entry: refused input (400, 413, 415), access (401, 403, 404), a settled item or a lost race (409), no leader or a recovery hold (503).
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 503);
const readErrors = errors(400, 401, 403, 404, 503);

export async function messageRoutes(app: FastifyInstance) {
  const station = app.station;

  app.post<{ Params: Static<typeof LineParams>; Body: Static<typeof MessageBody> }>('/v1/lines/:line/messages', {
    config: { need: 'write' },
    schema: {
      operationId: 'sendMessage', tags: ['messages'],
      summary: 'Send a message (text or template, precedence, language); answers once it is on disk',
      params: LineParams, body: MessageBody, response: { 201: Appended, ...writeErrors },
    },
  }, async (req, reply) => reply.status(201).send(appendedView(await sendMessage(station, await memberOf(req), req.params.line, req.body))));

  app.get<{ Params: Static<typeof LineParams>; Querystring: Static<typeof MessageQuery> }>('/v1/lines/:line/messages', {
    config: { need: 'read' },
    schema: {
      operationId: 'listMessages', tags: ['messages'],
      summary: 'Messages with their state (sent, delivered, acknowledged, overdue), translations and escalations, newest first',
      params: LineParams, querystring: MessageQuery, response: { 200: MessageList, ...readErrors },
    },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const now = station.clock();
    const receipts = new Map(await Promise.all(line.parties.map(async (p) => [p.name, await station.store.cosignedSizes({ line: line.id, party: p.name })] as const)));
    const all = [...state.messages.values()].sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
    const views = [];
    const disputed = await disputesOn(station, line.id);
    for (const m of all) {
      const view = presentMessage(state, m, receipts.get(m.party) ?? new Map(), now, disputed);
      if (req.query.open && view.status === 'acknowledged') continue;
      views.push(view);
      if (views.length >= (req.query.limit ?? LIMIT)) break;
    }
    return { messages: views, precedences: [...precedences] } satisfies MessageList;
  });

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/messages/:id', {
    config: { need: 'read' },
    schema: { operationId: 'getMessage', tags: ['messages'], summary: 'One message with its state', params: ItemParams, response: { 200: MessageView, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const m = state.messages.get(req.params.id);
    if (!m) throw new HotlineError('not_found', 'no such message on this line');
    return presentMessage(state, m, await station.store.cosignedSizes({ line: line.id, party: m.party }), station.clock(), await disputesOn(station, line.id));
  });

  app.post<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/items/:id/ack', {
    config: { need: 'acknowledge' },
    schema: { operationId: 'acknowledgeItem', tags: ['messages'], summary: 'Acknowledge another party\'s message, notice or check call, in your name', params: ItemParams, response: { 201: Appended, ...writeErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await acknowledge(station, await memberOf(req), req.params.line, req.params.id))));

  app.post<{ Params: Static<typeof ItemParams>; Body: Static<typeof TranslationBody> }>('/v1/lines/:line/messages/:id/translations', {
    config: { need: 'translate' },
    schema: { operationId: 'translateMessage', tags: ['messages'], summary: 'Attach a translation (sight, rough or official) beside the untouched original', params: ItemParams, body: TranslationBody, response: { 201: Appended, ...writeErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await translateMessage(station, await memberOf(req), req.params.line, req.params.id, req.body))));
}
