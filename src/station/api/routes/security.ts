import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import type { Member } from '../../../core/policy.ts';
import { SecurityPolicy } from '../../../wire/security-policy.ts';
import { SecurityLog } from '../../../wire/security-log.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';
import { memberOf } from '../member-of.ts';

const LogQuery = Type.Object(
  {
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'events at or after this time (ms since the epoch)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonl')], { description: 'jsonl: the export, one event a line, as a download' })),
  },
  { additionalProperties: false },
);

const mayAudit = (m: Member) => m.role === 'auditor' || m.role === 'admin';

/** The security log (auditors and admins) and the sign-in policy (admins set it). */
export async function securityRoutes(app: FastifyInstance) {
  const station = app.station;
  const signIn = station.signIn;

  app.get<{ Querystring: Static<typeof LogQuery> }>('/v1/security/log', {
    config: { only: { roles: ['admin', 'auditor'], refusal: 'only auditors and admins may read the security log' } },
    schema: {
      operationId: 'getSecurityLog',
      tags: ['security'],
      summary: 'The security log: sign-ins, failures, lockouts, second factors, tokens, member and peer changes (auditor, admin)',
      querystring: LogQuery,
      response: {
        200: {
          description: 'the events, oldest first; with ?format=jsonl one event (a SecurityEvent) a line, as a download',
          content: {
            'application/json': { schema: SecurityLog },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
        },
        ...errors(400, ...signedIn),
      },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    if (!mayAudit(member)) throw new HotlineError('forbidden', 'only auditors and admins may read the security log');
    const events = await station.store.securityEvents({ since: req.query.since, limit: req.query.limit ?? 1000 });
    if (req.query.format === 'jsonl') {
      const stamp = new Date(station.clock()).toISOString().replace(/[:.]/g, '-');
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="hotline-${station.name}-security-log-${stamp}.jsonl"`)
        .send(events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''));
    }
    return { events };
  });

  app.get('/v1/security/policy', {
    config: { only: { roles: ['admin', 'auditor'], refusal: 'only auditors and admins may read the sign-in policy' } },
    schema: {
      operationId: 'getSecurityPolicy',
      tags: ['security'],
      summary: 'The sign-in policy: which roles need a second factor, the idle timeout, the lockout (auditor, admin)',
      response: { 200: SecurityPolicy, ...errors(...signedIn) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    if (!mayAudit(member)) throw new HotlineError('forbidden', 'only auditors and admins may read the sign-in policy');
    return signIn.policies.get();
  });

  app.put<{ Body: SecurityPolicy }>('/v1/security/policy', {
    config: { only: { roles: ['admin'], refusal: 'only an admin may set the sign-in policy' } },
    schema: {
      operationId: 'setSecurityPolicy',
      tags: ['security'],
      summary: 'Set the sign-in policy (admin): all of it, as GET gives it',
      body: SecurityPolicy,
      response: { 200: SecurityPolicy, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may set the sign-in policy');
    const before = await signIn.policies.get();
    await signIn.policies.set(req.body);
    await signIn.log({ kind: 'policy.changed', actor: member.name, address: req.ip, detail: describeChange(before, req.body) });
    return req.body;
  });

}

function describeChange(before: SecurityPolicy, after: SecurityPolicy): string {
  const parts: string[] = [];
  for (const role of Object.keys(after.secondFactor) as Array<keyof SecurityPolicy['secondFactor']>) {
    if (before.secondFactor[role] !== after.secondFactor[role]) parts.push(`second factor ${after.secondFactor[role] ? 'required' : 'optional'} for ${role}`);
  }
  if (before.idleMinutes !== after.idleMinutes) parts.push(`idle timeout ${before.idleMinutes} → ${after.idleMinutes} min`);
  if (before.lockout.failures !== after.lockout.failures || before.lockout.minutes !== after.lockout.minutes) {
    parts.push(`lockout ${before.lockout.failures} failures/${before.lockout.minutes} min → ${after.lockout.failures}/${after.lockout.minutes}`);
  }
  return parts.join('; ') || 'no change';
}
