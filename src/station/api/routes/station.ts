import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { fingerprint } from '../../identity.ts';

const Role = Type.Union([Type.Literal('leader'), Type.Literal('follower'), Type.Literal('single')]);
const LeaderView = Type.Union([Type.Object({ id: Type.String(), url: Type.String() }), Type.Null()]);
const ReplicaView = Type.Object({
  id: Type.String({ description: 'this process: host, process id and a random suffix' }),
  role: Role,
  leader: LeaderView,
  epoch: Type.Union([Type.Integer(), Type.Null()], { description: 'the lease epoch this replica leads in' }),
});

export async function stationRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/healthz', {
    config: { public: true },
    schema: { security: [], response: { 200: Type.Object({ status: Type.Literal('ok'), role: Role, leader: LeaderView }) } },
  }, async () => {
    const { role, leader } = app.replica();
    return { status: 'ok' as const, role, leader };
  });

  // For load balancers: 200 only where a request can be served now (a leader with its parts running, a follower that knows the leader and hears the store).
  app.get('/readyz', {
    config: { public: true },
    schema: {
      security: [],
      summary: 'Whether this replica can serve requests now (200) or not (503), for load balancers; with ?role=leader, only the leader is ready (for the link port)',
      querystring: Type.Object({ role: Type.Optional(Type.Literal('leader', { description: 'ready only if this replica leads (a station on SQLite always does)' })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ ready: Type.Literal(true), role: Role, leader: LeaderView }),
        503: Type.Object({ ready: Type.Literal(false), role: Role, leader: LeaderView, reason: Type.String() }),
      },
    },
  }, async (req, reply) => {
    const { ready, role, leader, reason } = app.replica();
    const leading = role === 'leader' || role === 'single';
    if ((req.query as { role?: 'leader' }).role === 'leader' && !leading) {
      return reply.status(503).header('retry-after', '1').send({ ready: false as const, role, leader, reason: 'this replica does not lead' });
    }
    if (ready) return { ready: true as const, role, leader };
    return reply.status(503).header('retry-after', '1').send({ ready: false as const, role, leader, reason: reason ?? 'not ready' });
  });

  app.get('/metrics', { config: { public: true }, schema: { security: [], hide: true } }, async (_req, reply) => {
    reply.type(station.metrics.registry.contentType);
    return station.metrics.registry.metrics();
  });

  // Public on purpose: this is what the other party pins, after reading the fingerprint aloud.
  app.get('/v1/station', {
    config: { public: true },
    schema: {
      security: [],
      summary: 'This station\'s party name, verifier key and fingerprint, and which of its replicas answers and which leads',
      response: { 200: Type.Object({ name: Type.String(), key: Type.String(), fingerprint: Type.String(), replica: ReplicaView }) },
    },
  }, async () => {
    const { id, role, leader, epoch } = app.replica();
    return { name: station.name, key: station.identity.vkey, fingerprint: fingerprint(station.identity.vkey), replica: { id, role, leader, epoch } };
  });
}
