import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { canSeeLine } from '../../../core/policy.ts';
import { isPostQuantum } from '../../../core/link/hybrid.ts';
import { pinPeer } from '../../commands/peer-pinner.ts';
import { fingerprint } from '../../identity.ts';
import { memberOf } from '../member-of.ts';
import { LinkHistory, LinkList, type LinkView } from '../../../wire/link.ts';
import type { LinkView as LinkReading } from '../../link/links.ts';
import { PeerList, PeerView } from '../../../wire/peer.ts';
import { EvidenceList } from '../../../wire/evidence.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';

const NewPeer = Type.Object({
  name: Type.String({ maxLength: 64 }),
  key: Type.String({ maxLength: 300 }),
  urls: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 8 }),
  pqKey: Type.Optional(Type.String({ maxLength: 4000, description: 'its ML-DSA-44 verifier key (type 0x06), from its GET /v1/station' })),
}, { additionalProperties: false });
const Hours = Type.Object({ hours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 366, description: 'how far back, in hours (24 if not given)' })) });

/** A link as the station reads it → the wire's view, saying whether ML-KEM protects its content. */
function linkView(link: LinkReading): LinkView {
  const p = link.protection;
  return { ...link, protection: p && { ...p, postQuantum: isPostQuantum(p.exchange, p.tlsGroup) } };
}

export async function linkRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get('/v1/links', {
    schema: { operationId: 'listLinks', tags: ['links'], summary: 'Status of the links to every pinned peer (from line tests / heartbeats), and what protects each one', response: { 200: LinkList, ...errors(...signedIn) } },
  }, async (req) => {
    await memberOf(req);
    return { links: ((await station.links?.views()) ?? []).map(linkView) };
  });

  app.get<{ Params: { peer: string }; Querystring: { hours?: number } }>('/v1/links/:peer/history', {
    schema: {
      operationId: 'getLinkHistory',
      tags: ['links'],
      summary: 'Status changes of one link (uptime history); 404 for a peer never pinned',
      params: Type.Object({ peer: Type.String({ maxLength: 64, description: 'the peer\'s party name' }) }),
      querystring: Hours,
      response: { 200: LinkHistory, ...errors(400, ...signedIn, 404) },
    },
  }, async (req) => {
    await memberOf(req);
    const since = station.clock() - (req.query.hours ?? 24) * 3600_000;
    const events = await station.store.linkEvents(req.params.peer, since);
    if (events.length === 0 && !(await station.store.listPeers()).some((p) => p.name === req.params.peer)) throw new HotlineError('not_found', 'no such peer');
    return { peer: req.params.peer, events };
  });

  app.get('/v1/peers', { config: { only: { roles: ['admin'], refusal: 'only an admin may see peer settings' } }, schema: { operationId: 'listPeers', tags: ['peers'], summary: 'Pinned peer stations (admin)', response: { 200: PeerList, ...errors(...signedIn) } } }, async (req) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may see peer settings');
    return { peers: (await station.store.listPeers()).map((p) => ({ ...p, fingerprint: fingerprint(p.key), ...(p.pqKey ? { pqFingerprint: fingerprint(p.pqKey) } : {}) })) };
  });

  app.post<{ Body: Static<typeof NewPeer> }>('/v1/peers', { config: { only: { roles: ['admin'], refusal: 'only an admin may pin peers' } }, schema: {
    operationId: 'pinPeer',
    tags: ['peers'],
    summary: 'Pin a peer station by its key (admin); pinning a name again replaces its key and addresses',
    description: 'Refused with 400 when the key is not a verifier key, belongs to another name, or an address is not wss://.',
    body: NewPeer,
    response: { 201: { ...PeerView, description: 'pinned' }, ...errors(...signedIn, ...withBody) },
  } }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may pin peers');
    const record = await pinPeer(station.store, station.name, req.body, { actor: member.name, address: req.ip, clock: station.clock });
    await station.links?.reloadPeers();
    return reply.status(201).send({ ...record, fingerprint: fingerprint(record.key), ...(record.pqKey ? { pqFingerprint: fingerprint(record.pqKey) } : {}) });
  });

  app.get('/v1/evidence', { config: { only: { roles: ['admin', 'auditor'], refusal: 'only admins and auditors may read evidence' } }, schema: {
    operationId: 'listEvidence',
    tags: ['links'],
    summary: 'Evidence of equivocation: a party that signed two histories, on lines you may see (admin, auditor)',
    response: { 200: EvidenceList, ...errors(...signedIn) },
  } }, async (req) => {
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
