import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { canManageMembers } from '../../../core/policy.ts';
import { addMember } from '../../commands/member-creator.ts';
import { changeMember } from '../../sign-in/member-change.ts';
import { presentMember, presentMemberForAdmin } from '../../presenters/member.ts';
import { memberOf } from '../member-of.ts';
import { AdminMemberView, MemberList, MemberView, RoleSchema } from '../../../wire/member.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';

const NewMember = Type.Object({ name: Type.String({ maxLength: 64 }), role: RoleSchema, password: Type.String({ minLength: 10, maxLength: 1024 }) }, { additionalProperties: false });
const MemberChange = Type.Object({ role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 });
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, description: 'the member\'s name' }) });
const tags = ['members'];

export async function memberRoutes(app: FastifyInstance) {
  const station = app.station;
  const admin = async (req: FastifyRequest) => {
    const member = await memberOf(req);
    if (!canManageMembers(member)) throw new HotlineError('forbidden', 'only an admin may manage members');
    return member;
  };
  const view = async (name: string) => {
    const record = await station.store.memberByName(name);
    if (!record) throw new HotlineError('not_found', `no member named ${name}`);
    return presentMemberForAdmin(record, await station.signIn.hasSecondFactor(record.id), station.clock());
  };

  app.get('/v1/members', { config: { only: { roles: ['admin'], refusal: 'only an admin may manage members' } }, schema: { operationId: 'listMembers', tags, summary: 'Members of this station, with lockouts and second factors (admin)', response: { 200: MemberList, ...errors(...signedIn) } } }, async (req) => {
    await admin(req);
    const members = [];
    for (const m of await station.store.listMembers()) members.push(presentMemberForAdmin(m, await station.signIn.hasSecondFactor(m.id), station.clock()));
    return { members };
  });

  app.post<{ Body: Static<typeof NewMember> }>('/v1/members', { config: { only: { roles: ['admin'], refusal: 'only an admin may manage members' } }, schema: {
    operationId: 'addMember', tags,
    summary: 'Add a member (admin); 409 if the name is taken',
    body: NewMember,
    response: { 201: { ...MemberView, description: 'added' }, ...errors(...signedIn, ...withBody, 409) },
  } }, async (req, reply) => {
    const actor = await admin(req);
    return reply.status(201).send(presentMember(await addMember(station.store, station.clock, req.body, { actor: actor.name, address: req.ip })));
  });

  app.patch<{ Params: Static<typeof NameParams>; Body: Static<typeof MemberChange> }>('/v1/members/:name', {
    config: { only: { roles: ['admin'], refusal: 'only an admin may manage members' } },
    schema: {
      operationId: 'changeMember', tags,
      summary: 'Change a member\'s role or disable them (admin); their sessions, tickets and event streams end at once',
      description: 'Refused with 409 where it would leave the station without an enabled admin.',
      params: NameParams, body: MemberChange, response: { 200: AdminMemberView, ...errors(...signedIn, ...withBody, 404, 409) },
    },
  }, async (req) => {
    const actor = await admin(req);
    await changeMember(station, actor, req.params.name, req.body, req.ip);
    return view(req.params.name);
  });

  app.post<{ Params: Static<typeof NameParams> }>('/v1/members/:name/unlock', {
    config: { only: { roles: ['admin'], refusal: 'only an admin may manage members' } },
    schema: {
      operationId: 'unlockMember', tags,
      summary: 'Lift a lockout after repeated sign-in failures (admin)',
      params: NameParams,
      response: { 200: AdminMemberView, ...errors(...signedIn, ...withBody, 404) },
    },
  }, async (req) => {
    const actor = await admin(req);
    const record = await station.store.memberByName(req.params.name);
    if (!record) throw new HotlineError('not_found', `no member named ${req.params.name}`);
    await station.signIn.unlock(record, actor, { address: req.ip });
    return view(record.name);
  });
}
