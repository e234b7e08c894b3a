import type { FastifyInstance } from 'fastify';
import { decodeEntry } from '../../../core/entry.ts';
import { canOnLine } from '../../../core/policy.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { lineAccess } from '../../line-access.ts';
import { presentAlarm } from '../../presenters/alarm.ts';
import { presentBoardLine } from '../../presenters/board.ts';
import { memberOf } from '../member-of.ts';
import { Board } from '../../../wire/board.ts';
import type { LinkState } from '../../../wire/link-status.ts';
import { errors, signedIn } from '../../../wire/responses.ts';

const RECENT_ALARMS = 12;

export async function boardRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/board', {
    schema: {
      operationId: 'getBoard', tags: ['lines'],
      summary: 'The watch-floor status board in one read: every line you may read with its lamp, each party\'s time zone and next check call, what waits on whom by precedence, calls ringing or in progress, missed calls; and the recent alarms',
      response: { 200: Board, ...errors(...signedIn) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    const now = station.clock();
    const readable = (await station.store.listLines()).filter((l) => l.parties.some((p) => p.name === station.name) && canOnLine(member, lineAccess(l, member), 'read'));
    const lines = [];
    for (const record of readable.sort((a, b) => a.id.localeCompare(b.id))) {
      const state = await lineStateOf(station, record.id);
      const links: Record<string, LinkState> = {};
      let lastContact: number | null = null;
      for (const p of record.parties) {
        if (p.name === station.name) continue;
        links[p.name] = station.links?.statusOf(p.name) ?? 'unknown';
        const size = station.held({ line: record.id, party: p.name });
        if (size > 0) {
          const [bytes] = await station.store.entries({ line: record.id, party: p.name }, size - 1, size);
          lastContact = Math.max(lastContact ?? 0, decodeEntry(bytes).time);
        }
      }
      lines.push(presentBoardLine(state, links, lastContact, now));
    }
    const byId = new Map(readable.map((l) => [l.id, l]));
    const alarms = (await station.store.alarms({ limit: RECENT_ALARMS * 5 }))
      .filter((a) => a.line === null || byId.has(a.line))
      .slice(0, RECENT_ALARMS)
      .map(presentAlarm);
    return { station: station.name, now, lines, alarms } satisfies Board;
  });
}
