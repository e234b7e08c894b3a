import type { FastifyInstance } from 'fastify';
import { badRequest, HotlineError } from '../../../core/errors.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { lineFor } from '../../line-access.ts';
import { memberOf } from '../member-of.ts';
import { LineParams } from '../schemas.ts';
import { Handover, LinePresence, PresenceChange, PresenceList, WatchView } from '../../../wire/presence.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';
import type { Static } from '@sinclair/typebox';

/** Those who keep the watch and speak for the party: the ones whose presence matters. */
const KEEPERS = new Set(['principal', 'duty_officer']);

export async function presenceRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/presence', {
    schema: { operationId: 'listPresence', tags: ['watch'], summary: 'Where this station\'s principals and duty officers are: at the terminal, reachable, away, and who acts in their place', response: { 200: PresenceList, ...errors(...signedIn) } },
  }, async (req) => {
    await memberOf(req);
    const members = (await station.store.listMembers()).filter((m) => KEEPERS.has(m.role) && !m.disabled);
    return {
      members: await Promise.all(members.map(async (m) => {
        const mark = await station.presence.of(m.id);
        return { name: m.name, role: m.role, status: mark?.status ?? null, delegate: mark?.delegate ?? null, at: mark?.at ?? null };
      })),
    } satisfies PresenceList;
  });

  app.put<{ Body: PresenceChange }>('/v1/me/presence', {
    schema: { operationId: 'setPresence', tags: ['watch'], summary: 'Set your presence (principals and duty officers); on lines where this party shares its principals\' presence, the other side hears of it', body: PresenceChange, response: { 200: PresenceList.properties.members.items, ...errors(...signedIn, ...withBody) } },
  }, async (req) => {
    const member = await memberOf(req);
    if (!KEEPERS.has(member.role)) throw new HotlineError('forbidden', 'only principals and duty officers set a presence');
    const delegate = req.body.delegate ?? null;
    const all = await station.store.listMembers();
    if (delegate !== null && !all.some((m) => m.name === delegate && KEEPERS.has(m.role) && !m.disabled)) throw badRequest(`no principal or duty officer named ${delegate} on this station`);
    if (delegate === member.name) throw badRequest('you cannot act in your own place');
    const record = all.find((m) => m.id === member.id)!;
    const mark = await station.presence.set(record, req.body.status, delegate);
    return { name: member.name, role: member.role, status: mark.status, delegate: mark.delegate, at: mark.at };
  });

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/presence', {
    config: { need: 'read' },
    schema: { operationId: 'getLinePresence', tags: ['watch'], summary: 'The presence the parties share on the line: where each one\'s principals are, as that party said', params: LineParams, response: { 200: LinePresence, ...errors(400, 404, ...signedIn) } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    return {
      people: [...state.presence.values()].sort((a, b) => a.party.localeCompare(b.party) || a.name.localeCompare(b.name))
        .map((p) => ({ party: p.party, name: p.name, status: p.status, delegate: p.delegate ?? null, time: p.time })),
      sharing: line.parties.map((p) => p.name).filter((p) => state.settings.get(p)?.settings.sharePresence === true),
    } satisfies LinePresence;
  });

  app.get('/v1/watch', {
    schema: { operationId: 'getWatch', tags: ['watch'], summary: 'Who holds the watch at this station, and who held it when, with each handover\'s note', response: { 200: WatchView, ...errors(...signedIn) } },
  }, async (req) => {
    await memberOf(req);
    const turns = await station.watch.turns();
    return { holder: turns.at(-1)?.to === null ? turns.at(-1)! : null, turns: [...turns].reverse().slice(0, 200) } satisfies WatchView;
  });

  app.post<{ Body: Handover }>('/v1/watch/handover', {
    schema: { operationId: 'handOverWatch', tags: ['watch'], summary: 'Hand the watch over with a note of what is open (the one holding it; anyone who keeps the watch while nobody does; an admin)', body: Handover, response: { 201: WatchView, ...errors(...signedIn, ...withBody) } },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const to = (await station.store.listMembers()).find((m) => m.name === req.body.to);
    if (!to || !KEEPERS.has(to.role) || to.disabled) throw badRequest(`no principal or duty officer named ${req.body.to} on this station`);
    const holder = await station.watch.holder();
    const allowed = member.role === 'admin' || (KEEPERS.has(member.role) && (!holder || holder.name === member.name));
    if (!allowed) throw new HotlineError('forbidden', holder ? `${holder.name} holds the watch: only they (or an admin) hand it over` : 'only principals, duty officers and admins take the watch');
    if (holder?.name === to.name) throw badRequest(`${to.name} already holds the watch`);
    const turns = await station.watch.handover(member.name, to.name, req.body.note);
    reply.code(201);
    return { holder: turns.at(-1)!, turns: [...turns].reverse().slice(0, 200) } satisfies WatchView;
  });
}
