import type { FastifyInstance } from 'fastify';
import { memberOf } from '../member-of.ts';
import { Names } from '../../../wire/names.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';

const KEY = 'names';
const none: Names = { lines: {}, parties: {} };

export async function nameRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/names', {
    schema: { operationId: 'getNames', tags: ['station'], summary: 'The lines\' and parties\' names in the console\'s languages, as this station gives them', response: { 200: Names, ...errors(...signedIn) } },
  }, async (req) => {
    const member = await memberOf(req);
    const names = ((await station.store.setting(KEY)) as Names | null) ?? none;
    // Names of lines the member cannot see stay unsaid: a discreet line is not to be known of.
    const visible = new Set((await station.store.listLines()).filter((l) => l.memberIds.includes(member.id) || (!l.discreet && (member.role === 'admin' || member.role === 'auditor'))).map((l) => l.id));
    return { lines: Object.fromEntries(Object.entries(names.lines).filter(([id]) => visible.has(id))), parties: names.parties } satisfies Names;
  });

  app.put<{ Body: Names }>('/v1/names', {
    config: { only: { roles: ['admin'], refusal: 'only an admin may name lines and parties' } },
    schema: { operationId: 'setNames', tags: ['station'], summary: 'Give the lines\' and parties\' names in the console\'s languages (admin); the record keeps the original names', body: Names, response: { 200: Names, ...errors(...signedIn, ...withBody) } },
  }, async (req) => {
    await station.store.setSetting(KEY, req.body);
    return req.body;
  });
}
