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

  const Preferences = Type.Object(
    {
      lang: Type.Optional(Type.Union(['en', 'ru', 'uk', 'fr'].map((l) => Type.Literal(l)))),
      zone: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$', description: 'IANA time zone for dates and times' })),
    },
    { additionalProperties: false },
  );
  app.get('/v1/me/preferences', { schema: { summary: 'Your console preferences (language, time zone)', response: { 200: Preferences } } }, async (req) => station.store.preferences((await memberOf(req)).id));
  app.put<{ Body: Static<typeof Preferences> }>('/v1/me/preferences', { schema: { summary: 'Set your console preferences', body: Preferences, response: { 200: Preferences } } }, async (req) => {
    const member = await memberOf(req);
    const prefs = { ...(await station.store.preferences(member.id)), ...req.body } as Record<string, string>;
    await station.store.setPreferences(member.id, prefs);
    return prefs;
  });

  app.get('/v1/console', {
    schema: { summary: 'What the web console needs to start: this station\'s name and the ICE servers for calls', response: { 200: Type.Object({ station: Type.String(), iceServers: Type.Array(Type.Unknown()) }) } },
  }, async (req) => {
    await memberOf(req);
    return { station: station.name, iceServers: station.config.iceServers };
  });

  app.post<{ Body: Static<typeof TokenRequest> }>('/v1/tokens', {
    schema: { summary: 'Create an API token for automation, acting as yourself', body: TokenRequest, response: { 201: Type.Object({ token: Type.String(), expiresAt: Type.Union([Type.Integer(), Type.Null()]) }) } },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const expiresAt = req.body.expiresInHours ? station.clock() + req.body.expiresInHours * 3600_000 : null;
    const token = await station.auth.issue(member.id, 'token', req.body.label, expiresAt);
    return reply.status(201).send({ token, expiresAt });
  });
}
