import type { FastifyInstance } from 'fastify';
import { HotlineError } from '../../core/errors.ts';
import type { Role } from '../../core/role.ts';
import { lineFor, type LineNeed } from '../line-access.ts';
import { memberOf } from './member-of.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the member must be allowed to do on the `:line` of the path (policy.ts canOnLine). Every route naming a line declares it. */
    need?: LineNeed;
    /** For station-wide routes open to some roles only: who, and what the others are told. */
    only?: { roles: readonly Role[]; refusal: string };
  }
  interface FastifyRequest {
    /**
     * On a route naming a line: whether the request may be counted in the
     * per-route metrics. Set only once the gate has found the line and it is
     * not discreet; a request on a discreet line, on a line that does not
     * exist or that the member may not see, is never counted, so the metrics
     * cannot tell those apart (see request-metrics.ts).
     */
    lineCounted?: boolean;
  }
}

/**
 * Authorisation before validation. The gate runs at onRequest, after
 * authentication and before the body is even read, so a member without the
 * right gets 403 (or, for a discreet line they may not see, the same 404 as a
 * line that does not exist) and never a schema error that would describe the
 * route to them. Routes and commands still call lineFor themselves: the gate
 * is the first check, not the only one.
 */
export function lineGate(app: FastifyInstance): void {
  // Fail closed at startup: a route naming a line without saying what it needs would skip the gate.
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (url.includes(':line') && !route.config?.need) throw new Error(`${String(route.method)} ${url} names a line but declares no config.need`);
  });

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    if (!config || config.public) return;
    if (config.only) {
      const member = await memberOf(req);
      if (!config.only.roles.includes(member.role)) throw new HotlineError('forbidden', config.only.refusal);
    }
    if (config.need) {
      const { line } = req.params as { line?: string };
      const member = await memberOf(req);
      try {
        const record = await lineFor(req.server.station.store, member, line ?? '', config.need);
        req.lineCounted = !record.discreet;
      } catch (e) {
        // A refusal on a line everyone may see (a 403) is worth counting; a 404 is the same for a discreet line and no line.
        if (e instanceof HotlineError && e.code === 'forbidden') req.lineCounted = !req.server.station.discreetLines.has(line ?? '');
        throw e;
      }
    }
  });
}
