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

  app.get('/v1/peers', { schema: { summary: 'Pinned peer stations (admin)' } }, async (req) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may see peer settings');
    return { peers: (await station.store.listPeers()).map((p) => ({ ...p, fingerprint: fingerprint(p.key) })) };
  });

  app.post<{ Body: Static<typeof NewPeer> }>('/v1/peers', { schema: { summary: 'Pin a peer station (admin)', body: NewPeer } }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may pin peers');
    const record = await pinPeer(station.store, station.name, req.body);
    await station.links?.reloadPeers();
    return reply.status(201).send({ ...record, fingerprint: fingerprint(record.key) });
  });

  app.get('/v1/evidence', { schema: { summary: 'Evidence of equivocation: a party that signed two histories (admin, auditor)' } }, async (req) => {
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
