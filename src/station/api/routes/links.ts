import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { canSeeLine } from '../../../core/policy.ts';
import { pinPeer } from '../../commands/peer-pinner.ts';
import { fingerprint } from '../../identity.ts';
import { memberOf } from '../app.ts';

const LinkView = Type.Object({
  peer: Type.String(),
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  since: Type.Integer(),
  rttMs: Type.Union([Type.Number(), Type.Null()]),
  endpoint: Type.Union([Type.String(), Type.Null()]),
  uptime24h: Type.Number(),
});
const NewPeer = Type.Object({ name: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 300 }), urls: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 8 }) }, { additionalProperties: false });

export async function linkRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/links', { schema: { summary: 'Status of the links to every pinned peer (from line tests / heartbeats)', response: { 200: Type.Object({ links: Type.Array(LinkView) }) } } }, async (req) => {
    await memberOf(req);
    return { links: (await station.links?.views()) ?? [] };
  });

  app.get<{ Params: { peer: string }; Querystring: { hours?: number } }>('/v1/links/:peer/history', {
    schema: {
      summary: 'Status changes of one link (uptime history)',
      params: Type.Object({ peer: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({ hours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 366 })) }),
    },
  }, async (req) => {
    await memberOf(req);
    const since = station.clock() - (req.query.hours ?? 24) * 3600_000;
    const events = await station.store.linkEvents(req.params.peer, since);
    if (events.length === 0 && !(await station.store.listPeers()).some((p) => p.name === req.params.peer)) throw new HotlineError('not_found', 'no such peer');
    return { peer: req.params.peer, events };
  });

  app.get<{ Querystring: { hours?: number } }>('/v1/alarms', {
    schema: { summary: 'Alarms: links that went down, and evidence of equivocation on lines you may see', querystring: Type.Object({ hours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 366 })) }) },
  }, async (req) => {
    const member = await memberOf(req);
    const since = station.clock() - (req.query.hours ?? 24) * 3600_000;
    const alarms: Array<{ time: number; kind: string; peer?: string; line?: string; party?: string; detail: string }> = [];
    for (const p of await station.store.listPeers()) {
      for (const e of await station.store.linkEvents(p.name, since)) if (e.status === 'down') alarms.push({ time: e.time, kind: 'link_down', peer: p.name, detail: `link to ${p.name} is down` });
    }
    for (const e of await station.store.listEvidence()) {
      if (e.time < since) continue;
      const line = await station.store.line(e.line);
      if (line && canSeeLine(member, { discreet: line.discreet, isMember: line.memberIds.includes(member.id), unassigned: line.memberIds.length === 0 })) {
        alarms.push({ time: e.time, kind: 'equivocation', line: e.line, party: e.party, detail: e.detail });
      }
    }
    return { alarms: alarms.sort((a, b) => a.time - b.time) };
  });

  app.get('/v1/peers', { config: { only: { roles: ['admin'], refusal: 'only an admin may see peer settings' } }, schema: { summary: 'Pinned peer stations (admin)' } }, async (req) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may see peer settings');
    return { peers: (await station.store.listPeers()).map((p) => ({ ...p, fingerprint: fingerprint(p.key) })) };
  });

  app.post<{ Body: Static<typeof NewPeer> }>('/v1/peers', { config: { only: { roles: ['admin'], refusal: 'only an admin may pin peers' } }, schema: { summary: 'Pin a peer station (admin)', body: NewPeer } }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may pin peers');
    const record = await pinPeer(station.store, station.name, req.body, { actor: member.name, address: req.ip, clock: station.clock });
    await station.links?.reloadPeers();
    return reply.status(201).send({ ...record, fingerprint: fingerprint(record.key) });
  });

  app.get('/v1/evidence', { config: { only: { roles: ['admin', 'auditor'], refusal: 'only admins and auditors may read evidence' } }, schema: { summary: 'Evidence of equivocation: a party that signed two histories (admin, auditor)' } }, async (req) => {
    const member = await memberOf(req);
    if (member.role !== 'admin' && member.role !== 'auditor') throw new HotlineError('forbidden', 'only admins and auditors may read evidence');
    const out = [];
    for (const e of await station.store.listEvidence()) {
      const line = await station.store.line(e.line);
      if (line && canSeeLine(member, { discreet: line.discreet, isMember: line.memberIds.includes(member.id), unassigned: line.memberIds.length === 0 })) out.push(e);
    }
    return { evidence: out };
  });
}
