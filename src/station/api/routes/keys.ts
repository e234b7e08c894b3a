import type { FastifyInstance } from 'fastify';
import { HotlineError } from '../../../core/errors.ts';
import { canSeeLine, type Member } from '../../../core/policy.ts';
import { fingerprint } from '../../identity.ts';
import { PENDING_SETTING } from '../../keys/rekey.ts';
import { knownRevocations } from '../../keys/revocations.ts';
import { rotateKey, rotationViews } from '../../keys/rotate.ts';
import { memberOf } from '../member-of.ts';
import { RotationView, StationKeysView } from '../../../wire/station-keys.ts';
import { errors, signedIn, withBody } from '../../../wire/responses.ts';

/** This station's key: rotated by an admin (hotline key rotate), and the chain any member may read. */
export async function keyRoutes(app: FastifyInstance) {
  const station = app.station;

  // A rotation's positions name the lines it was recorded on: each asker sees only the lines it may see (a discreet line must not show).
  const seenBy = async (member: Member) => {
    const lines = await station.store.listLines();
    return new Set(lines.filter((l) => canSeeLine(member, { discreet: l.discreet, isMember: l.memberIds.includes(member.id), unassigned: l.memberIds.length === 0 })).map((l) => l.id));
  };
  const only = <T extends { positions: Array<{ line: string }> }>(view: T, visible: Set<string>): T => ({ ...view, positions: view.positions.filter((p) => visible.has(p.line)) });

  app.post('/v1/station/key-rotation', {
    config: { only: { roles: ['admin'], refusal: 'only an admin may rotate the station\'s key' } },
    schema: {
      operationId: 'rotateStationKey',
      tags: ['keys'],
      summary: 'Rotate this station\'s key (admin): a new key, named by a statement the old and the new key sign, recorded in every log of this station',
      description: 'Every own log gains a key.rotate entry signed by the old key; the next entry of each is signed by the new key. Sends made meanwhile wait and go on under the new key. '
        + 'Peers follow the statement over the link, verifiers and witnesses follow it in the logs; the old key is kept, retired. Refused with 409 while a key change is under way, '
        + '503 while one of this station\'s logs is being recovered from its peers.',
      response: { 201: { ...RotationView, description: 'rotated: the new key signs' }, ...errors(...signedIn, ...withBody, 409) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    if (member.role !== 'admin') throw new HotlineError('forbidden', 'only an admin may rotate the station\'s key');
    const parts = station.rekeyParts();
    if (!parts || !station.leading) throw new HotlineError('unavailable', 'this process cannot change the station\'s key (it does not write the logs)', { retryAfter: 2 });
    const view = await rotateKey({ ...parts, clock: station.clock, dir: station.dir });
    req.log.warn({ old: fingerprint(view.old), new: view.fingerprint, logs: view.positions.length }, 'station key rotated');
    return reply.status(201).send(only(view, await seenBy(member)));
  });

  app.get('/v1/station/keys', {
    schema: {
      operationId: 'getStationKeys',
      tags: ['keys'],
      summary: 'This station\'s key now, the chain of its rotations (statements, times, positions) and the revocations recorded here',
      response: { 200: StationKeysView, ...errors(...signedIn) },
    },
  }, async (req) => {
    const visible = await seenBy(await memberOf(req));
    const { identity, store } = station;
    const revocations = (await knownRevocations(store)).map((r) => ({
      ...r, fingerprint: fingerprint(r.key), ...(r.replacement ? { replacementFingerprint: fingerprint(r.replacement) } : {}),
    }));
    return {
      party: identity.name, key: identity.vkey, fingerprint: fingerprint(identity.vkey), where: station.keys?.where ?? 'unknown',
      pending: !!(await store.setting(PENDING_SETTING)), rotations: (await rotationViews(station.crypto, store)).map((r) => only(r, visible)), revocations,
    };
  });
}
