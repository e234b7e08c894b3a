import type { FastifyRequest } from 'fastify';
import type { Member } from '../../core/policy.ts';

// Who is asking, for the routes and hooks. Apart from app.ts so that the
// routes app.ts registers do not import it back (a cycle).

export function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Who is asking; the onRequest hook (app.ts) has already refused anyone unauthenticated. */
export async function memberOf(req: FastifyRequest): Promise<Member> {
  return req.member ?? (req.member = await req.server.station.auth.member(bearer(req)));
}
