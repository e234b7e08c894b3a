import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { canManageMembers } from '../../../core/policy.ts';
import { addMember } from '../../commands/member-creator.ts';
import { presentMember } from '../../presenters/member.ts';
import { memberOf } from '../app.ts';
import { MemberView, RoleSchema } from '../schemas.ts';

const NewMember = Type.Object({ name: Type.String({ maxLength: 64 }), role: RoleSchema, password: Type.String({ minLength: 10, maxLength: 1024 }) }, { additionalProperties: false });

export async function memberRoutes(app: FastifyInstance) {
  const station = app.station;
  const admin = async (req: Parameters<typeof memberOf>[0]) => {
    const member = await memberOf(req);
    if (!canManageMembers(member)) throw new HotlineError('forbidden', 'only an admin may manage members');
    return member;
  };

  app.get('/v1/members', { schema: { summary: 'Members of this station (admin)', response: { 200: Type.Object({ members: Type.Array(MemberView) }) } } }, async (req) => {
    await admin(req);
    return { members: (await station.store.listMembers()).map(presentMember) };
  });

  app.post<{ Body: Static<typeof NewMember> }>('/v1/members', { schema: { summary: 'Add a member (admin)', body: NewMember, response: { 201: MemberView } } }, async (req, reply) => {
    await admin(req);
    return reply.status(201).send(presentMember(await addMember(station.store, station.clock, req.body)));
  });
}
