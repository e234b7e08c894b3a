import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { bearer, memberOf } from '../app.ts';
import { MemberView } from '../schemas.ts';

const Login = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const TokenRequest = Type.Object({ label: Type.String({ minLength: 1, maxLength: 100 }), expiresInHours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) }, { additionalProperties: false });

export async function sessionRoutes(app: FastifyInstance) {
  const station = app.station;

  app.post<{ Body: Static<typeof Login> }>('/v1/session', {
    config: { public: true },
    schema: {
      security: [],
      summary: 'Log in with name and password; returns a session token',
      body: Login,
      response: { 201: Type.Object({ token: Type.String(), expiresAt: Type.Integer(), member: MemberView }) },
    },
  }, async (req, reply) => {
    const session = await station.auth.login(req.body.name, req.body.password, station.config.sessionHours);
    return reply.status(201).send(session);
  });

  app.delete('/v1/session', { schema: { summary: 'Log out: revoke the token used for this request' } }, async (req, reply) => {
    await memberOf(req);
    await station.auth.revoke(bearer(req)!);
    return reply.status(204).send();
  });

  app.get('/v1/me', { schema: { summary: 'The member this token stands for', response: { 200: MemberView } } }, async (req) => memberOf(req));

  app.post<{ Body: Static<typeof TokenRequest> }>('/v1/tokens', {
    schema: { summary: 'Create an API token for automation, acting as yourself', body: TokenRequest, response: { 201: Type.Object({ token: Type.String(), expiresAt: Type.Union([Type.Integer(), Type.Null()]) }) } },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const expiresAt = req.body.expiresInHours ? station.clock() + req.body.expiresInHours * 3600_000 : null;
    const token = await station.auth.issue(member.id, 'token', req.body.label, expiresAt);
    return reply.status(201).send({ token, expiresAt });
  });
}
