import type { FastifyInstance } from 'fastify';
import { lineFor } from '../../line-access.ts';
import { memberOf } from '../member-of.ts';
import { LineParams } from '../schemas.ts';
import { ReadMark, ReadMarkBody } from '../../../wire/transcript.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';
import type { Static } from '@sinclair/typebox';

// Where each member has read a line up to, kept on the station, so that the
// unread mark follows them from console to console. A member's own mark
// only: nobody reads another's.
const key = (member: number, line: string) => `read:${member}:${line}`;

export async function readingRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/read', {
    config: { need: 'read' },
    schema: { operationId: 'getReadMark', tags: ['lines'], summary: 'How far you have read the line\'s transcript (the console marks what comes after as unread)', params: LineParams, response: { 200: ReadMark, ...errors(400, 404, ...signedIn) } },
  }, async (req) => {
    const member = await memberOf(req);
    const line = await lineFor(station.store, member, req.params.line, 'read');
    const mark = (await station.store.setting(key(member.id, line.id))) as ReadMark | null;
    return mark ?? { upTo: 0, at: null };
  });

  app.put<{ Params: Static<typeof LineParams>; Body: ReadMarkBody }>('/v1/lines/:line/read', {
    config: { need: 'read' },
    schema: { operationId: 'setReadMark', tags: ['lines'], summary: 'Mark the line read up to a position of its transcript (a mark never moves back)', params: LineParams, body: ReadMarkBody, response: { 200: ReadMark, ...errors(404, ...signedIn, ...withBody) } },
  }, async (req) => {
    const member = await memberOf(req);
    const line = await lineFor(station.store, member, req.params.line, 'read');
    const before = (await station.store.setting(key(member.id, line.id))) as ReadMark | null;
    // Two consoles of one member may race: the further mark stands.
    const upTo = Math.max(before?.upTo ?? 0, req.body.upTo);
    const mark: ReadMark = { upTo, at: upTo === before?.upTo ? before.at : station.clock() };
    await station.store.setSetting(key(member.id, line.id), mark);
    return mark;
  });
}
