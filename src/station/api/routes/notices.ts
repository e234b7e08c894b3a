import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { NoticeBody } from '../../../core/kinds/notice.ts';
import { conflicts } from '../../../core/line-state/notices.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { fileNotice, withdrawNotice } from '../../commands/notices.ts';
import { lineFor } from '../../line-access.ts';
import { presentConflict, presentNotice } from '../../presenters/notice.ts';
import { appendedView } from '../appended-view.ts';
import { memberOf } from '../member-of.ts';
import { ItemParams, LineParams, Text } from '../schemas.ts';
import { Appended } from '../../../wire/appended.ts';
import { ConflictList, NoticeList, NoticeView } from '../../../wire/notice.ts';
import { errors } from '../../../wire/responses.ts';

const Withdraw = Type.Object({ reason: Type.Optional(Text({ maxLength: 2000 })) }, { additionalProperties: false });

// Writes: refused input (400, 413, 415), access (401, 403, 404), already withdrawn or a lost race (409), no leader or a recovery hold (503).
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 503);
const readErrors = errors(400, 401, 403, 404, 503);

export async function noticeRoutes(app: FastifyInstance) {
  const station = app.station;

  app.post<{ Params: Static<typeof LineParams>; Body: Static<typeof NoticeBody> }>('/v1/lines/:line/notices', {
    config: { need: 'notice' },
    schema: { operationId: 'fileNotice', tags: ['notices'], summary: 'File a deconfliction notice: kind, GeoJSON area (polygon, or point with radius), altitude band, time window, text', params: LineParams, body: NoticeBody, response: { 201: Appended, ...writeErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await fileNotice(station, await memberOf(req), req.params.line, req.body))));

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/notices', {
    config: { need: 'read' },
    schema: { operationId: 'listNotices', tags: ['notices'], summary: 'Every notice on the line with acknowledgements and conflicts, and the conflicts themselves', params: LineParams, response: { 200: NoticeList, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    return {
      notices: [...state.notices.values()].sort((a, b) => b.time - a.time).map((n) => presentNotice(state, n)),
      conflicts: conflicts(state).map(presentConflict),
    } satisfies NoticeList;
  });

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/notices/:id', { config: { need: 'read' }, schema: { operationId: 'getNotice', tags: ['notices'], summary: 'One notice', params: ItemParams, response: { 200: NoticeView, ...readErrors } } }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const n = state.notices.get(req.params.id);
    if (!n) throw new HotlineError('not_found', 'no such notice on this line');
    return presentNotice(state, n);
  });

  app.post<{ Params: Static<typeof ItemParams>; Body: Static<typeof Withdraw> }>('/v1/lines/:line/notices/:id/withdraw', {
    config: { need: 'notice' },
    schema: { operationId: 'withdrawNotice', tags: ['notices'], summary: 'Withdraw one of our notices (the record of it stays)', params: ItemParams, body: Withdraw, response: { 201: Appended, ...writeErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await withdrawNotice(station, await memberOf(req), req.params.line, req.params.id, req.body?.reason))));

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/conflicts', {
    config: { need: 'read' },
    schema: { operationId: 'listConflicts', tags: ['notices'], summary: 'Pairs of different parties\' notices that overlap in area, altitude and time, and who recorded each', params: LineParams, response: { 200: ConflictList, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    return { conflicts: conflicts(await lineStateOf(station, line.id)).map(presentConflict) } satisfies ConflictList;
  });
}
