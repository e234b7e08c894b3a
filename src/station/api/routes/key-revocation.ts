import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import type { Revocation } from '../../../core/keys/revocation.ts';
import { fingerprint } from '../../identity.ts';
import type { RekeyParts } from '../../keys/rekey.ts';
import { revokeOwnKey } from '../../keys/revocation-own.ts';
import { revokePeerKey } from '../../keys/revocation-peer.ts';
import { knownRevocations } from '../../keys/revocations.ts';
import { memberOf } from '../member-of.ts';
import { OwnRevocationBody, OwnRevocationView, PeerRevocationBody, RevocationList, RevocationView } from '../../../wire/revocation.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';
import { PeerView } from '../../../wire/peer.ts';

const PeerName = Type.Object({ name: Type.String({ maxLength: 64, description: 'the peer\'s party name' }) });

const PeerRevoked = Type.Object({ revocation: RevocationView, peer: PeerView, changed: Type.Boolean({ description: 'false when the same revocation was already recorded' }) });

/** The parts a key change needs, as the station assembles them. */
function rekeyPartsOf(station: FastifyInstance['station']): RekeyParts & { clock: () => number } {
  const parts = station.rekeyParts();
  if (!parts) throw new HotlineError('unavailable', 'this station has no key source it can change its key in', { retryAfter: 2 });
  return { ...parts, clock: station.clock };
}

/** Ends the link sessions a revoked key opened (only the leader runs links). */
function closeSessions(station: FastifyInstance['station'], reason: string, peer?: string): void {
  station.links?.closeSessions(reason, peer);
}

export function revocationView(r: Revocation): RevocationView {
  return { ...r, fingerprint: fingerprint(r.key), ...(r.replacement ? { replacementFingerprint: fingerprint(r.replacement) } : {}) };
}

/** Revoking a stolen key: our own (with the statement made at init), a peer's (as its operators told ours), and the list of what is revoked. */
export async function keyRevocationRoutes(app: FastifyInstance) {
  const station = app.station;
  const adminOnly = (refusal: string) => ({ only: { roles: ['admin'] as const, refusal } });

  app.post<{ Body: Static<typeof OwnRevocationBody> }>('/v1/station/key-revocation', {
    config: adminOnly('only an admin may revoke the station\'s key'),
    schema: {
      operationId: 'revokeStationKey',
      tags: ['keys'],
      summary: 'Revoke this station\'s key with the revocation statement made at init (admin): a new key signs from now on',
      description: 'The statement must revoke the key signing now. A new key is made and every own log gains a key.revoke entry signed by it; the answer names the new key\'s fingerprint, for the party\'s operators to read aloud to every peer\'s operators with the compromise time. '
        + 'Refused with 400 for a statement that does not verify or a compromise time in the future, 409 when the statement revokes another key (or one already replaced).',
      body: OwnRevocationBody,
      response: { 201: { ...OwnRevocationView, description: 'revoked: the new key signs' }, ...errors(...signedIn, ...withBody, 409) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may revoke the station\'s key');
    const done = await revokeOwnKey(rekeyPartsOf(station), req.body, { actor: member.name, address: req.ip });
    // The open sessions were authenticated by the revoked key: each peer must hear the new key in a hello (and remember it as offered).
    closeSessions(station, 'this station\'s key was revoked: linking again under the new key');
    return reply.status(201).send(done);
  });

  app.post<{ Params: Static<typeof PeerName>; Body: Static<typeof PeerRevocationBody> }>('/v1/peers/:name/revocation', {
    config: adminOnly('only an admin may revoke a peer\'s key'),
    schema: {
      operationId: 'revokePeerKey',
      tags: ['peers'],
      summary: 'Record that a peer\'s key was stolen (admin): its entries after the compromise time are disputed, and the pin moves to the new key its operators read aloud',
      description: 'The new key is the one the peer\'s station offered when it dialled in under it, picked by the fingerprint its operators read aloud (or given whole as key). '
        + 'A published revocation statement alone revokes the pinned key with no replacement: its links are refused until a replacement is confirmed. '
        + 'Refused with 400 for a malformed fingerprint, key or statement, or a key that names another party, 404 for a peer not pinned, 409 when no key was offered yet, the offered key\'s fingerprint is not the one read aloud, or another replacement was confirmed before.',
      params: PeerName,
      body: PeerRevocationBody,
      response: { 201: { ...PeerRevoked, description: 'recorded' }, ...errors(...signedIn, ...withBody, 404, 409) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may revoke a peer\'s key');
    const { record, peer, changed } = await revokePeerKey(station.crypto, station.store, station.name, req.params.name, req.body, { actor: member.name, address: req.ip, clock: station.clock });
    await station.links?.reloadPeers();
    // A session the revoked key opened ends (a new pin ends it anyway): the key links no more.
    closeSessions(station, `${req.params.name}'s key was revoked`, req.params.name);
    return reply.status(201).send({ revocation: revocationView(record), peer: { ...peer, fingerprint: fingerprint(peer.key) }, changed });
  });

  // Not secret: every member may see which keys are revoked, as they see the disputed marks it causes.
  app.get('/v1/revocations', {
    schema: {
      operationId: 'listRevocations',
      tags: ['keys'],
      summary: 'Key revocations this station recorded: our own and peers\', with compromise times and confirmed replacements',
      response: { 200: RevocationList, ...errors(...signedIn) },
    },
  }, async (req) => {
    await memberOf(req);
    return { revocations: (await knownRevocations(station.store)).map(revocationView) };
  });
}
