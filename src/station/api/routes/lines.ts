import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '../../../core/errors.ts';
import { canSeeLine } from '../../../core/policy.ts';
import { createLine } from '../../commands/line-creator.ts';
import { exportBundle } from '../../export.ts';
import { lineFor } from '../../line-access.ts';
import { presentLine } from '../../presenters/line.ts';
import { fingerprint } from '../../identity.ts';
import { memberOf } from '../member-of.ts';
import { LineParams, Text } from '../schemas.ts';
import { LineBundle, LineList, LineView } from '../../../wire/line.ts';
import { errors } from '../../../wire/responses.ts';

const NewLine = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    title: Text({ minLength: 1, maxLength: 200 }),
    parties: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 32, description: 'verifier keys of the parties; this station is added if absent' }),
    members: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000, description: 'names of this station\'s members on the line' }),
    discreet: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Members = Type.Object({ members: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 }) }, { additionalProperties: false });

const readErrors = errors(400, 401, 403, 404, 503);

export async function lineRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/lines', { schema: { operationId: 'listLines', tags: ['lines'], summary: 'Lines you may see', response: { 200: LineList, ...errors(400, 401, 403, 503) } } }, async (req) => {
    const member = await memberOf(req);
    const members = await station.store.listMembers();
    const lines = (await station.store.listLines()).filter((l) => canSeeLine(member, { discreet: l.discreet, isMember: l.memberIds.includes(member.id), unassigned: l.memberIds.length === 0 }));
    return { lines: lines.map((l) => presentLine(l, members, fingerprint)) } satisfies LineList;
  });

  app.post<{ Body: Static<typeof NewLine> }>('/v1/lines', { config: { only: { roles: ['admin'], refusal: 'only an admin may create lines' } }, schema: { operationId: 'createLine', tags: ['lines'], summary: 'Create a line (admin)', body: NewLine, response: { 201: LineView, ...errors(400, 401, 403, 409, 413, 415, 503) } } }, async (req, reply) => {
    const member = await memberOf(req);
    const line = await createLine(station, member, req.body);
    return reply.status(201).send(presentLine(line, await station.store.listMembers(), fingerprint));
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line', { config: { need: 'see' }, schema: { operationId: 'getLine', tags: ['lines'], summary: 'One line', params: LineParams, response: { 200: LineView, ...readErrors } } }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'see');
    return presentLine(line, await station.store.listMembers(), fingerprint);
  });

  app.put<{ Params: Static<typeof LineParams>; Body: Static<typeof Members> }>('/v1/lines/:line/members', {
    config: { need: 'manage' },
    schema: { operationId: 'setLineMembers', tags: ['lines'], summary: 'Set which members of this station are on the line (admin)', params: LineParams, body: Members, response: { 200: LineView, ...errors(400, 401, 403, 404, 413, 415, 503) } },
  }, async (req) => {
    const member = await memberOf(req);
    const line = await lineFor(station.store, member, req.params.line, 'manage');
    const all = await station.store.listMembers();
    const ids = req.body.members.map((name) => {
      const m = all.find((x) => x.name === name);
      if (!m) throw badRequest(`no member named ${name} on this station`);
      return m.id;
    });
    await station.store.setLineMembers(line.id, [...new Set(ids)]);
    return presentLine((await station.store.line(line.id))!, all, fingerprint);
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/export', {
    config: { need: 'read' },
    schema: { operationId: 'exportLine', tags: ['lines'], summary: 'Export every log of the line as an offline-verifiable bundle (hotline verify --bundle)', params: LineParams, response: { 200: LineBundle, ...readErrors } },
  }, async (req, reply) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    reply.header('content-disposition', `attachment; filename="${line.id}.hotline.json"`);
    return (await exportBundle(station.store, line)) satisfies LineBundle;
  });
}
