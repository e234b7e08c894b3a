import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { relyingParty } from '../../sign-in/passkeys.ts';
import { memberOf } from '../app.ts';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false });
const NewPasskey = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 100 }), response: Type.Object({}, { additionalProperties: true, description: 'RegistrationResponseJSON from the browser' }) },
  { additionalProperties: false },
);
const Passkey = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.Integer(), lastUsedAt: Type.Union([Type.Integer(), Type.Null()]) });
const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String(), { description: 'shown once: keep them somewhere safe, away from the authenticator' }) });

/** A member's own second factors: TOTP, passkeys and recovery codes. */
export async function secondFactorRoutes(app: FastifyInstance) {
  const station = app.station;
  const signIn = station.signIn;
  const from = (req: { ip: string }) => ({ address: req.ip });

  app.get('/v1/me/second-factors', {
    schema: {
      summary: 'Your second factors, and whether your role requires one',
      response: { 200: Type.Object({ totp: Type.Boolean(), passkeys: Type.Array(Passkey), recoveryCodesLeft: Type.Integer(), required: Type.Boolean() }) },
    },
  }, async (req) => signIn.status(await memberOf(req)));

  app.post('/v1/me/totp', {
    schema: { summary: 'Start TOTP enrolment: a new secret for your authenticator app (not active until confirmed)', response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }) } },
  }, async (req) => signIn.startTotp(await memberOf(req)));

  app.post<{ Body: Static<typeof Code> }>('/v1/me/totp/confirm', {
    schema: { summary: 'Confirm TOTP enrolment with a code from the app; returns new recovery codes, once', body: Code, response: { 200: RecoveryCodes } },
  }, async (req) => signIn.confirmTotp(await memberOf(req), req.body.code, from(req)));

  app.delete('/v1/me/totp', { schema: { summary: 'Remove your TOTP second factor' } }, async (req, reply) => {
    await signIn.removeTotp(await memberOf(req), from(req));
    return reply.status(204).send();
  });

  app.post('/v1/me/passkeys/options', { schema: { summary: 'Start registering a passkey (PublicKeyCredentialCreationOptionsJSON)' } }, async (req) =>
    signIn.passkeyRegistration(await memberOf(req), relyingParty(req.headers, station.name)));

  app.post<{ Body: Static<typeof NewPasskey> }>('/v1/me/passkeys', {
    schema: { summary: 'Finish registering a passkey with the browser\'s answer (RegistrationResponseJSON)', body: NewPasskey, response: { 201: Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.Integer() }) } },
  }, async (req, reply) => {
    const rp = relyingParty(req.headers, station.name);
    return reply.status(201).send(await signIn.addPasskey(await memberOf(req), rp, req.body.label, req.body.response as never, from(req)));
  });

  app.delete<{ Params: { id: string } }>('/v1/me/passkeys/:id', {
    schema: { summary: 'Remove one of your passkeys', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' }) }) },
  }, async (req, reply) => {
    await signIn.removePasskey(await memberOf(req), req.params.id, from(req));
    return reply.status(204).send();
  });

  app.post('/v1/me/recovery-codes', {
    schema: { summary: 'Ten new recovery codes, replacing the old ones; shown once', response: { 200: RecoveryCodes } },
  }, async (req) => ({ recoveryCodes: await signIn.issueRecoveryCodes(await memberOf(req), from(req)) }));
}
