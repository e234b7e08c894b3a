import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { credentialId, hashToken } from '../../auth.ts';
import { relyingParty } from '../../sign-in/passkeys.ts';
import type { SecondFactorMethod, SignInResult } from '../../sign-in/sign-in.ts';
import { bearer, memberOf } from '../member-of.ts';
import { MemberView } from '../../../wire/member.ts';
import { Preferences } from '../../../wire/preferences.ts';
import { ConsoleSetup } from '../../../wire/console-setup.ts';
import { PendingSignIn, SessionReply } from '../../../wire/session.ts';
import { WebAuthnOptions } from '../../../wire/second-factor.ts';
import { errors, noContent, signedIn, withBody } from '../../../wire/responses.ts';
import { secondFactorRoutes } from './second-factor.ts';
import { securityRoutes } from './security.ts';
import { tokenRoutes } from './tokens.ts';

const Login = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const CodeStep = Type.Object({ pending: Type.String({ minLength: 1, maxLength: 100 }), code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const PendingOnly = Type.Object({ pending: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const PasskeyStep = Type.Object({ pending: Type.String({ minLength: 1, maxLength: 100 }), response: Type.Object({}, { additionalProperties: true, description: 'AuthenticationResponseJSON from the browser' }) }, { additionalProperties: false });

/**
 * A sign-in step is refused for a wrong name, password or code (401, all alike), a locked account (423)
 * or too many attempts (429, with Retry-After); it is a write, passed to the leader on a replica (503).
 */
const Refusals = errors(...withBody, 401, 403, 423, 429, 503);

/** What a session of a member who must enrol a second factor may still do (the sign-in contract). */
const ENROLMENT_ROUTES = new Set(['GET /v1/me', 'DELETE /v1/session']);
const ENROLMENT_PREFIXES = ['/v1/me/second-factors', '/v1/me/totp', '/v1/me/passkeys', '/v1/me/recovery-codes'];

/** A refusal for too many attempts carries Retry-After, so clients wait rather than hammer. */
async function refusing<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof HotlineError && e.code === 'rate_limited' && typeof e.details?.retryAfter === 'number') reply.header('retry-after', String(e.details.retryAfter));
    throw e;
  }
}

export async function sessionRoutes(app: FastifyInstance) {
  const station = app.station;
  const signIn = station.signIn;
  const from = (req: FastifyRequest) => ({ address: req.ip });

  // A member whose role requires a second factor and who has none may only enrol one.
  app.addHook('onRequest', async (req) => {
    if (!req.member) return;
    const route = req.routeOptions.url ?? '';
    if (ENROLMENT_ROUTES.has(`${req.method} ${route}`) || ENROLMENT_PREFIXES.some((p) => route.startsWith(p))) return;
    if (await signIn.mustEnrol(req.member)) throw new HotlineError('forbidden', 'your role requires a second factor: enrol one (TOTP or a passkey) first');
  });

  const send = (reply: FastifyReply, result: SignInResult) => reply.status(result.status).send(result.body);

  app.post<{ Body: Static<typeof Login> }>('/v1/session', {
    config: { public: true },
    schema: {
      operationId: 'signIn',
      tags: ['session'],
      security: [],
      summary: 'Sign in with name and password: a session (201), or a pending sign-in that needs a second factor (202)',
      body: Login,
      response: { 201: { ...SessionReply, description: 'signed in' }, 202: { ...PendingSignIn, description: 'the password was right: finish with a second factor' }, ...Refusals },
    },
  }, async (req, reply) => refusing(reply, async () => send(reply, await signIn.password(req.body.name, req.body.password, from(req)))));

  const step = (method: Exclude<SecondFactorMethod, 'passkey'>) =>
    app.post<{ Body: Static<typeof CodeStep> }>(`/v1/session/${method}`, {
      config: { public: true },
      schema: {
        operationId: method === 'totp' ? 'signInWithTotp' : 'signInWithRecoveryCode',
        tags: ['session'],
        security: [],
        summary: method === 'totp' ? 'Finish a sign-in with a TOTP code from the authenticator app' : 'Finish a sign-in with a recovery code (each works once)',
        body: CodeStep,
        response: { 201: { ...SessionReply, description: 'signed in' }, ...Refusals },
      },
    }, async (req, reply) => refusing(reply, async () => reply.status(201).send(await signIn.secondStep(method, req.body.pending, { code: req.body.code }, from(req)))));
  step('totp');
  step('recovery');

  app.post<{ Body: Static<typeof PendingOnly> }>('/v1/session/passkey/options', {
    config: { public: true },
    schema: {
      operationId: 'getPasskeySignInOptions',
      tags: ['session'],
      security: [],
      summary: 'The WebAuthn challenge for finishing a sign-in with a passkey (PublicKeyCredentialRequestOptionsJSON)',
      description: 'Refused with 401 for a pending sign-in that is unknown or expired, and 400 for a member with no passkey.',
      body: PendingOnly,
      response: { 200: WebAuthnOptions, ...errors(...withBody, 401, 403, 503) },
    },
  }, async (req) => signIn.passkeyOptions(req.body.pending, relyingParty(req.headers, station.name)));

  app.post<{ Body: Static<typeof PasskeyStep> }>('/v1/session/passkey', {
    config: { public: true },
    schema: {
      operationId: 'signInWithPasskey',
      tags: ['session'],
      security: [],
      summary: 'Finish a sign-in with a passkey\'s answer (AuthenticationResponseJSON)',
      body: PasskeyStep,
      response: { 201: { ...SessionReply, description: 'signed in' }, ...Refusals },
    },
  }, async (req, reply) => refusing(reply, async () => {
    const rp = relyingParty(req.headers, station.name);
    return reply.status(201).send(await signIn.secondStep('passkey', req.body.pending, { response: req.body.response as never, rp }, from(req)));
  }));

  app.delete('/v1/session', {
    schema: {
      operationId: 'signOut',
      tags: ['session'],
      summary: 'Sign out: revoke the token used for this request, close the event streams opened with it and void its tickets',
      response: { 204: noContent('signed out'), ...errors(...signedIn, ...withBody) },
    },
  }, async (req, reply) => {
    const member = await memberOf(req);
    const hash = hashToken(bearer(req)!);
    await station.auth.revokeHash(hash);
    await signIn.log({ kind: 'session.ended', member: member.name, address: req.ip, detail: `signed out (${credentialId(hash)})` });
    return reply.status(204).send();
  });

  app.get('/v1/me', {
    schema: { operationId: 'getMe', tags: ['me'], summary: 'The member this token stands for', response: { 200: MemberView, ...errors(...signedIn) } },
  }, async (req) => memberOf(req));

  app.get('/v1/me/preferences', {
    schema: { operationId: 'getPreferences', tags: ['me'], summary: 'Your console preferences (language, time zone)', response: { 200: Preferences, ...errors(...signedIn) } },
  }, async (req) => station.store.preferences((await memberOf(req)).id));
  app.put<{ Body: Static<typeof Preferences> }>('/v1/me/preferences', {
    schema: { operationId: 'setPreferences', tags: ['me'], summary: 'Set your console preferences (the ones given; the others stay)', body: Preferences, response: { 200: Preferences, ...errors(...signedIn, ...withBody) } },
  }, async (req) => {
    const member = await memberOf(req);
    const prefs = { ...(await station.store.preferences(member.id)), ...req.body } as Record<string, string>;
    await station.store.setPreferences(member.id, prefs);
    return prefs;
  });

  app.get('/v1/console', {
    schema: {
      operationId: 'getConsoleSetup',
      tags: ['me'],
      summary: 'What the web console needs to start: this station\'s name and the ICE servers for calls',
      response: { 200: ConsoleSetup, ...errors(...signedIn) },
    },
  }, async (req) => {
    await memberOf(req);
    return { station: station.name, iceServers: station.config.iceServers };
  });

  await app.register(tokenRoutes);
  await app.register(secondFactorRoutes);
  await app.register(securityRoutes);
}

// The enrolment gate above must hold for every route of the app, not only these:
// this plugin shares the app's scope (fastify-plugin's skip-override), so its hook is global.
(sessionRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
