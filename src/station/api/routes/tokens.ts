import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { canManageMembers } from '../../../core/policy.ts';
import { credentialId, hashToken } from '../../auth.ts';
import { TOKEN_DEFAULT_HOURS, TOKEN_MAX_HOURS, tokenExpiry } from '../../sign-in/token-lifetime.ts';
import { bearer, memberOf } from '../member-of.ts';
import { CredentialList, IssuedToken } from '../../../wire/token.ts';
import { errors, noContent, signedIn, withBody } from '../../../wire/responses.ts';

const TokenRequest = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 100 }),
    expiresInHours: Type.Optional(Type.Number({ description: `lifetime in hours: more than 0, at most ${TOKEN_MAX_HOURS} (one year); ${TOKEN_DEFAULT_HOURS} (30 days) if not given` })),
  },
  { additionalProperties: false },
);

/** API tokens and sessions: made, listed and revoked by their member (an admin: anyone's). */
export async function tokenRoutes(app: FastifyInstance) {
  const station = app.station;

  app.post<{ Body: Static<typeof TokenRequest> }>('/v1/tokens', {
    schema: {
      operationId: 'createToken',
      tags: ['tokens'],
      summary: 'Create an API token for automation, acting as yourself',
      body: TokenRequest,
      response: { 201: { ...IssuedToken, description: 'the token, shown once' }, ...errors(...signedIn, ...withBody) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const expiresAt = tokenExpiry(station.clock(), req.body.expiresInHours);
    const token = await station.auth.issue(member.id, 'token', req.body.label, expiresAt);
    const id = credentialId(hashToken(token));
    await station.signIn.log({ kind: 'token.created', member: member.name, address: req.ip, detail: `"${req.body.label}" (${id}), expires ${new Date(expiresAt).toISOString()}` });
    return reply.status(201).send({ id, token, expiresAt });
  });

  app.get<{ Querystring: { member?: string } }>('/v1/tokens', {
    schema: {
      operationId: 'listTokens',
      tags: ['tokens'],
      summary: 'Your sessions and API tokens (an admin may ask for ?member=NAME)',
      description: 'Another member\'s are refused with 403 to all but an admin; an admin asking for a member who does not exist gets 404.',
      querystring: Type.Object({ member: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: CredentialList, ...errors(400, ...signedIn, 404) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    let of = member;
    if (req.query.member !== undefined && req.query.member !== member.name) {
      if (!canManageMembers(member)) throw new HotlineError('forbidden', "only an admin may list another member's tokens");
      const record = await station.store.memberByName(req.query.member);
      if (!record) throw new HotlineError('not_found', `no member named ${req.query.member}`);
      of = record;
    }
    const now = station.clock();
    const current = credentialId(hashToken(bearer(req)!));
    const tokens = (await station.store.credentials(of.id))
      .filter((c) => c.expiresAt === null || c.expiresAt > now)
      .map((c) => {
        const id = credentialId(c.tokenHash);
        return { id, member: of.name, label: c.label, kind: c.kind, createdAt: c.createdAt, expiresAt: c.expiresAt, lastUsedAt: station.auth.lastUse(c.tokenHash) ?? c.lastUsedAt ?? null, current: id === current };
      });
    return tokens;
  });

  app.delete<{ Params: { id: string } }>('/v1/tokens/:id', {
    schema: {
      operationId: 'revokeToken',
      tags: ['tokens'],
      summary: 'Revoke one of your sessions or tokens (an admin: anyone\'s); event streams opened with it close at once',
      params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$', description: 'the credential id' }) }),
      response: { 204: noContent('revoked'), ...errors(...signedIn, ...withBody, 404) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const all = await station.store.credentials(canManageMembers(member) ? undefined : member.id);
    const found = all.find((c) => credentialId(c.tokenHash) === req.params.id);
    if (!found) throw new HotlineError('not_found', 'no such token');
    const owner = found.memberId === member.id ? member : await station.store.memberById(found.memberId);
    await station.auth.revokeHash(found.tokenHash);
    await station.signIn.log({
      kind: found.kind === 'session' ? 'session.ended' : 'token.revoked', member: owner?.name ?? null, actor: owner?.id === member.id ? null : member.name, address: req.ip,
      detail: `"${found.label}" (${req.params.id}) revoked`,
    });
    return reply.status(204).send();
  });
}
