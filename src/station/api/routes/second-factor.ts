import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { relyingParty } from '../../sign-in/passkeys.ts';
import { memberOf } from '../member-of.ts';
import { NewPasskeyView, RecoveryCodes, SecondFactors, TotpEnrolment, WebAuthnOptions } from '../../../wire/second-factor.ts';
import { errors, noContent, signedIn, withBody } from '../../../wire/responses.ts';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false });
const NewPasskey = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 100 }), response: Type.Object({}, { additionalProperties: true, description: 'RegistrationResponseJSON from the browser' }) },
  { additionalProperties: false },
);

/** A member's own second factors: TOTP, passkeys and recovery codes. */
export async function secondFactorRoutes(app: FastifyInstance) {
  const station = app.station;
  const signIn = station.signIn;
  const from = (req: { ip: string }) => ({ address: req.ip });
  const tags = ['me'];

  app.get('/v1/me/second-factors', {
    schema: { operationId: 'listSecondFactors', tags, summary: 'Your second factors, and whether your role requires one', response: { 200: SecondFactors, ...errors(...signedIn) } },
  }, async (req) => signIn.status(await memberOf(req)));

  app.post('/v1/me/totp', {
    schema: {
      operationId: 'startTotpEnrolment', tags,
      summary: 'Start TOTP enrolment: a new secret for your authenticator app (not active until confirmed)',
      response: { 200: TotpEnrolment, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => signIn.startTotp(await memberOf(req)));

  app.post<{ Body: Static<typeof Code> }>('/v1/me/totp/confirm', {
    schema: {
      operationId: 'confirmTotpEnrolment', tags,
      summary: 'Confirm TOTP enrolment with a code from the app; returns new recovery codes, once',
      description: 'Refused with 400 when no enrolment is under way or the code does not match the new secret.',
      body: Code,
      response: { 200: RecoveryCodes, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => signIn.confirmTotp(await memberOf(req), req.body.code, from(req)));

  app.delete('/v1/me/totp', {
    schema: { operationId: 'removeTotp', tags, summary: 'Remove your TOTP second factor (404 if you have none)', response: { 204: noContent('removed'), ...errors(...signedIn, ...withBody, 404) } },
  }, async (req, reply) => {
    await signIn.removeTotp(await memberOf(req), from(req));
    return reply.status(204).send();
  });

  app.post('/v1/me/passkeys/options', {
    schema: {
      operationId: 'getPasskeyRegistrationOptions', tags,
      summary: 'Start registering a passkey (PublicKeyCredentialCreationOptionsJSON)',
      response: { 200: WebAuthnOptions, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => signIn.passkeyRegistration(await memberOf(req), relyingParty(req.headers, station.name)));

  app.post<{ Body: Static<typeof NewPasskey> }>('/v1/me/passkeys', {
    schema: {
      operationId: 'registerPasskey', tags,
      summary: 'Finish registering a passkey with the browser\'s answer (RegistrationResponseJSON)',
      description: 'Refused with 400 when no registration is under way or the answer does not verify, and 409 for a passkey registered already.',
      body: NewPasskey,
      response: { 201: { ...NewPasskeyView, description: 'registered' }, ...errors(...signedIn, ...withBody, 409) },
    },
  }, async (req, reply) => {
    const rp = relyingParty(req.headers, station.name);
    return reply.status(201).send(await signIn.addPasskey(await memberOf(req), rp, req.body.label, req.body.response as never, from(req)));
  });

  app.delete<{ Params: { id: string } }>('/v1/me/passkeys/:id', {
    schema: {
      operationId: 'removePasskey', tags,
      summary: 'Remove one of your passkeys',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$', description: 'the passkey\'s credential id (base64url)' }) }),
      response: { 204: noContent('removed'), ...errors(...signedIn, ...withBody, 404) },
    },
  }, async (req, reply) => {
    await signIn.removePasskey(await memberOf(req), req.params.id, from(req));
    return reply.status(204).send();
  });

  app.post('/v1/me/recovery-codes', {
    schema: {
      operationId: 'issueRecoveryCodes', tags,
      summary: 'Ten new recovery codes, replacing the old ones; shown once',
      description: 'Refused with 400 to a member with no TOTP or passkey: recovery codes stand in for one.',
      response: { 200: RecoveryCodes, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => ({ recoveryCodes: await signIn.issueRecoveryCodes(await memberOf(req), from(req)) }));
}
