import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { decodeEntry } from '../../../core/entry.ts';
import { nextSlot } from '../../../core/check-schedule/schedule.ts';
import { contactHistory, historyCsv } from '../../../core/line-state/history.ts';
import { ownSettings } from '../../../core/line-state/due.ts';
import { callOutcome } from '../../../core/line-state/calls.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { lineFor } from '../../line-access.ts';
import { presentCheck } from '../../presenters/check.ts';
import { presentMessage } from '../../presenters/message.ts';
import { memberOf } from '../member-of.ts';
import { LineParams, Period } from '../schemas.ts';
import { CheckList } from '../../../wire/check.ts';
import { ContactHistory, LineSummary } from '../../../wire/history.ts';
import { errors } from '../../../wire/responses.ts';

const HistoryQuery = Type.Object({ ...Period.properties, format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) });

const readErrors = errors(400, 401, 403, 404, 503);

export async function checkRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/checks', {
    config: { need: 'read' },
    schema: { operationId: 'listChecks', tags: ['checks'], summary: 'Check calls on the line, both directions: answered, late, missed (with the link status then) or waiting', params: LineParams, response: { 200: CheckList, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const now = station.clock();
    const schedule = ownSettings(state).checks;
    return {
      checks: [...state.checks.values()].sort((a, b) => b.at - a.at).map((c) => presentCheck(state, c, now)),
      schedule,
      next: schedule ? nextSlot(schedule, now) : null,
    } satisfies CheckList;
  });

  app.get<{ Params: Static<typeof LineParams>; Querystring: Static<typeof HistoryQuery> }>('/v1/lines/:line/history', {
    config: { need: 'read' },
    schema: {
      operationId: 'getContactHistory', tags: ['history'],
      summary: 'Contact history: calls per pair of principals (attempts, declines, unanswered, last spoke), median time to acknowledge by precedence, missed check calls; ?format=csv for the call timeline',
      params: LineParams, querystring: HistoryQuery,
      response: {
        200: {
          description: 'The history as JSON, or with format=csv the call timeline as CSV',
          content: { 'application/json': { schema: ContactHistory }, 'text/csv': { schema: Type.String() } },
        },
        ...readErrors,
      },
    },
  }, async (req, reply) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const history = contactHistory(await lineStateOf(station, line.id), { from: req.query.from, to: req.query.to }, station.clock());
    if (req.query.format !== 'csv') return history satisfies ContactHistory;
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${line.id}-history.csv"`);
    return historyCsv(history);
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/summary', {
    config: { need: 'read' },
    schema: { operationId: 'getLineSummary', tags: ['history'], summary: 'At a glance: link status to each other party, last contact, items waiting for an acknowledgement, ringing calls, the next check call', params: LineParams, response: { 200: LineSummary, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const now = station.clock();
    const others = line.parties.map((p) => p.name).filter((p) => p !== station.name);
    const links = Object.fromEntries(others.map((p) => [p, station.links?.statusOf(p) ?? 'unknown']));
    const lamp: LineSummary['lamp'] = others.length === 0 ? 'up' : Object.values(links).every((s) => s === 'up') ? 'up' : Object.values(links).some((s) => s === 'up' || s === 'degraded') ? 'degraded' : 'down';
    let lastContact: number | null = null;
    for (const p of others) {
      const size = station.held({ line: line.id, party: p });
      if (size > 0) {
        const [bytes] = await station.store.entries({ line: line.id, party: p }, size - 1, size);
        lastContact = Math.max(lastContact ?? 0, decodeEntry(bytes).time);
      }
    }
    const incoming = [...state.openIncoming].map((id) => state.messages.get(id)!);
    const receipts = await station.store.cosignedSizes({ line: line.id, party: station.name });
    let awaiting = 0;
    let overdue = 0;
    // Only messages still waiting for someone: a long line's acknowledged history is not walked.
    for (const id of state.openOutgoing) {
      const m = state.messages.get(id)!;
      const view = presentMessage(state, m, receipts, now);
      if (view.status !== 'acknowledged') awaiting++;
      if (view.status === 'overdue') overdue++;
    }
    const schedule = ownSettings(state).checks;
    const presentChecks = [...state.checks.values()].map((c) => presentCheck(state, c, now));
    return {
      line: line.id, lamp, links, lastContact,
      unacknowledged: { incoming: incoming.length, incomingOverdue: incoming.filter((m) => m.ackBy !== undefined && now >= m.ackBy).length, outgoing: awaiting, outgoingOverdue: overdue },
      checksWaiting: presentChecks.filter((c) => c.party !== station.name && c.status === 'waiting' && !c.acks.some((a) => a.party === station.name)).length,
      ringing: [...state.calls.values()].filter((c) => c.toParty === station.name && callOutcome(c).status === 'ringing').map((c) => c.id),
      missedCalls: [...state.calls.values()].filter((c) => {
        const o = callOutcome(c);
        return c.toParty === station.name && o.status === 'unanswered' && (o.answer?.time ?? c.time) >= now - 24 * 3600_000;
      }).length,
      nextCheck: schedule ? nextSlot(schedule, now) : null,
    } satisfies LineSummary;
  });
}
