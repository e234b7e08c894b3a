import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { fingerprint } from '../../identity.ts';
import { Health, NotReady, Ready, StationView } from '../../../wire/station.ts';
import { errors } from '../../../wire/responses.ts';

/** Health, readiness and metrics are for machines on the operator's network; the station's identity is for the other party. */
export async function stationRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/healthz', {
    config: { public: true },
    schema: {
      operationId: 'getHealth',
      tags: ['station'],
      security: [],
      summary: 'Whether the process is up, and its role among the replicas',
      response: { 200: Health, ...errors(403) },
    },
  }, async () => {
    const { role, leader } = app.replica();
    return { status: 'ok' as const, role, leader };
  });

  // For load balancers: 200 only where a request can be served now (a leader with its parts running, a follower that knows the leader and hears the store).
  app.get('/readyz', {
    config: { public: true },
    schema: {
      operationId: 'getReadiness',
      tags: ['station'],
      security: [],
      summary: 'Whether this replica can serve requests now (200) or not (503), for load balancers',
      description: 'With ?role=leader, only the leader is ready (for the link port). A 503 carries Retry-After.',
      querystring: Type.Object({ role: Type.Optional(Type.Literal('leader', { description: 'ready only if this replica leads (a station on SQLite always does)' })) }, { additionalProperties: false }),
      response: {
        200: Ready,
        503: { ...NotReady, description: 'not ready (see reason); try again after Retry-After seconds', headers: { 'retry-after': { type: 'integer', minimum: 0 } } },
        ...errors(400, 403),
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

  app.get('/metrics', {
    config: { public: true },
    schema: {
      operationId: 'getMetrics',
      tags: ['station'],
      security: [],
      summary: 'Prometheus metrics of this process, in the text exposition format',
      description: 'Counted per route pattern, never per line or member: a discreet line leaves no trace here.',
      response: {
        // Named without its parameters (version=0.0.4, charset), as clients match media types.
        200: { description: `the metrics (${station.metrics.registry.contentType})`, content: { [station.metrics.registry.contentType.split(';')[0]!]: { schema: { type: 'string' } } } },
        ...errors(403),
      },
    },
  }, async (_req, reply) => {
    reply.type(station.metrics.registry.contentType);
    return station.metrics.registry.metrics();
  });

  // Public on purpose: this is what the other party pins, after reading the fingerprint aloud.
  app.get('/v1/station', {
    config: { public: true },
    schema: {
      operationId: 'getStation',
      tags: ['station'],
      security: [],
      summary: 'This station\'s party name, verifier key and fingerprint, and which of its replicas answers and which leads',
      response: { 200: StationView, ...errors(403) },
    },
  }, async () => {
    const { id, role, leader, epoch } = app.replica();
    const pqKey = station.pqKeys?.current()?.vkey;
    return { name: station.name, key: station.identity.vkey, fingerprint: fingerprint(station.identity.vkey), ...(pqKey ? { pqKey, pqFingerprint: fingerprint(pqKey) } : {}), replica: { id, role, leader, epoch } };
  });
}
