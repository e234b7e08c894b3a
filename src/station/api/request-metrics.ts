import type { FastifyInstance } from 'fastify';
import type { StationMetrics } from '../metrics.ts';

/** Counts and logs every response by route pattern (never by URL: URLs name lines). */
export function requestMetrics(app: FastifyInstance, metrics: StationMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    // Requests on a line are not counted per route: the counts would reveal traffic on discreet lines.
    if (!route.includes(':line')) metrics.requests.inc({ method: req.method, route, status: reply.statusCode });
    if (reply.statusCode >= 500) req.log.warn({ method: req.method, route, status: reply.statusCode }, 'request failed');
    else req.log.debug({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
