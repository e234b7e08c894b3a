import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { fingerprint } from '../../identity.ts';

export async function stationRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/healthz', { config: { public: true }, schema: { security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/metrics', { config: { public: true }, schema: { security: [], hide: true } }, async (_req, reply) => {
    reply.type(station.metrics.registry.contentType);
    return station.metrics.registry.metrics();
  });

  // Public on purpose: this is what the other party pins, after reading the fingerprint aloud.
  app.get('/v1/station', {
    config: { public: true },
    schema: {
      security: [],
      summary: 'This station\'s party name, verifier key and fingerprint',
      response: { 200: Type.Object({ name: Type.String(), key: Type.String(), fingerprint: Type.String() }) },
    },
  }, async () => ({ name: station.name, key: station.identity.vkey, fingerprint: fingerprint(station.identity.vkey) }));
}
