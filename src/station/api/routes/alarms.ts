import type { FastifyInstance } from 'fastify';
import { HotlineError } from '../../../core/errors.ts';
import { canOnLine, type LineAction, type Member } from '../../../core/policy.ts';
import { lineAccess, lineFor } from '../../line-access.ts';
import { presentAlarm } from '../../presenters/alarm.ts';
import type { AlarmRecord, LineRecord } from '../../storage/store.ts';
import { memberOf } from '../member-of.ts';
import { AlarmList, AlarmParams, AlarmQuery, AlarmView } from '../../../wire/alarm.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';

/** Who may acknowledge an alarm about the station itself (a link, a finding): those who keep the watch, and admins. */
const KEEPERS = new Set(['principal', 'duty_officer', 'admin']);

// An alarm about a line is its readers' to see and its speakers' to acknowledge; one about a line the member
// cannot see answers exactly like one that does not exist.
async function visible(lines: (id: string) => Promise<LineRecord | null>, member: Member, a: AlarmRecord, need: LineAction): Promise<boolean> {
  if (a.line === null) return true;
  const line = await lines(a.line);
  return line !== null && canOnLine(member, lineAccess(line, member), need);
}

export async function alarmRoutes(app: FastifyInstance) {
  const station = app.station;
  const noSuchAlarm = () => new HotlineError('not_found', 'no such alarm');

  app.get<{ Querystring: AlarmQuery }>('/v1/alarms', {
    schema: {
      operationId: 'listAlarms', tags: ['alarms'],
      summary: 'The station\'s alarms on the lines you may read and about the station itself, newest first: a FLASH or IMMEDIATE from another party, a ringing or missed call, a missed deadline (either side), a missed check call, a conflict, a link down, a forked log',
      querystring: AlarmQuery,
      response: { 200: AlarmList, ...errors(400, ...signedIn) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    const limit = req.query.limit ?? 100;
    const since = req.query.hours === undefined ? 0 : station.clock() - req.query.hours * 3600_000;
    const lines = new Map<string, Promise<LineRecord | null>>();
    const line = (id: string) => lines.get(id) ?? (lines.set(id, station.store.line(id)), lines.get(id)!);
    const out: AlarmView[] = [];
    // Read past the limit: some of the newest may be on lines this member cannot read.
    for (const a of await station.store.alarms({ open: req.query.open, limit: Math.min(5000, limit * 10) })) {
      if (a.raisedAt < since) continue;
      if (await visible(line, member, a, 'read')) out.push(presentAlarm(a));
      if (out.length >= limit) break;
    }
    return { alarms: out, sounding: out.filter((a) => a.sounding).length } satisfies AlarmList;
  });

  app.post<{ Params: AlarmParams }>('/v1/alarms/:alarm/ack', {
    schema: {
      operationId: 'acknowledgeAlarm', tags: ['alarms'],
      summary: 'Acknowledge an alarm: it stops sounding on every console of this station, and the record keeps who did it and when (the first acknowledgement stands)',
      params: AlarmParams,
      response: { 201: AlarmView, ...errors(404, ...signedIn, ...withBody) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const a = await station.store.alarm(req.params.alarm);
    if (!a) throw noSuchAlarm();
    if (a.line !== null) {
      // 404 for a line the member cannot see, 403 for one they may read but not speak on.
      await lineFor(station.store, member, a.line, 'read').catch(() => { throw noSuchAlarm(); });
      await lineFor(station.store, member, a.line, 'acknowledge');
    } else if (!KEEPERS.has(member.role)) {
      throw new HotlineError('forbidden', 'only principals, duty officers and admins may acknowledge an alarm about the station');
    }
    const view = await station.alarms.acknowledge(a.id, member.name);
    if (!view) throw noSuchAlarm();
    reply.code(201);
    return view;
  });
}
