import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StationMetrics } from '../metrics.ts';

/**
 * Counts and times every response by route pattern (never by URL: URLs name
 * lines), and logs it through the request's own logger, so the line carries
 * the request's id (reqId) like every other line the request causes.
 */
export function requestMetrics(app: FastifyInstance, metrics: StationMetrics): void {
  // A body asking for a discreet line (POST /v1/lines with discreet: true) is discreet traffic too.
  app.addHook('preHandler', (req, _reply, done) => {
    if ((req.body as { discreet?: unknown } | undefined)?.discreet === true) req.lineCounted = false;
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const labels = { method: req.method, route, status: reply.statusCode };
    if (counted(req, reply, route)) {
      metrics.requests.inc(labels);
      metrics.requestSeconds.observe(labels, reply.elapsedTime / 1000);
    }
    if (reply.statusCode >= 500) req.log.warn({ ...labels, ms: Math.round(reply.elapsedTime) }, 'request failed');
    else req.log.debug({ ...labels, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
}

/**
 * Whether a response may move the per-route metrics. On a route naming a
 * line, only once the line gate found a line that is not discreet (or when
 * authentication failed before any line was looked at: that answer is the
 * same whatever the line). Requests on discreet lines, on lines that do not
 * exist and on lines the asker may not see are left out alike, so a 404 for
 * a discreet line and for no line look the same here: both are absent.
 */
function counted(req: FastifyRequest, reply: FastifyReply, route: string): boolean {
  if (req.lineCounted === false) return false;
  if (!route.includes(':line')) return true;
  return req.lineCounted === true || (reply.statusCode === 401 && req.lineCounted === undefined);
}
