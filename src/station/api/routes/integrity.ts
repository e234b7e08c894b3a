import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { IntegrityChecks } from '../../integrity-check.ts';
import { memberOf } from '../member-of.ts';
import { IntegrityStatus as Status } from '../../../wire/integrity.ts';
import { errors } from '../../../wire/responses.ts';

const Start = Type.Object({ wait: Type.Optional(Type.Boolean({ default: false, description: 'answer only when the check has ended' })) });
const refusal = 'only an admin may run or read the integrity check';
const failures = errors(400, 401, 403, 503);

/**
 * The full integrity re-check on demand (admin): every entry's signature,
 * every stored tree node and each log's root against its latest signed
 * checkpoint, run in steps that leave the station serving. Register with
 * `{ checks }` from the start-up check; without one it makes its own.
 */
export async function integrityRoutes(app: FastifyInstance, options: { checks?: IntegrityChecks }) {
  const station = app.station;
  const checks = options.checks ?? new IntegrityChecks({ store: station.store, crypto: station.crypto, me: station.name, logger: station.logger, onAlarm: (alarm) => station.events.emit('alarm', alarm) });

  app.get('/v1/station/integrity-check', {
    config: { only: { roles: ['admin'], refusal } },
    schema: { operationId: 'getIntegrityCheck', tags: ['integrity'], summary: 'The running and the last full integrity check (admin)', response: { 200: Status, ...failures } },
  }, async (req) => {
    await admin(req);
    return checks.status();
  });

  app.post<{ Querystring: Static<typeof Start> }>('/v1/station/integrity-check', {
    config: { only: { roles: ['admin'], refusal } },
    schema: {
      operationId: 'startIntegrityCheck', tags: ['integrity'],
      summary: 'Start a full integrity re-check of every log, or join the one running (admin); with wait=true, answer when it has ended',
      querystring: Start,
      response: { 200: Status, 202: Status, ...failures, ...errors(413, 415) },
    },
  }, async (req, reply) => {
    await admin(req);
    const done = checks.full('on-demand');
    if (!req.query.wait) return reply.status(202).send(checks.status());
    await done;
    return checks.status();
  });

  async function admin(req: Parameters<typeof memberOf>[0]) {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', refusal);
  }
}
