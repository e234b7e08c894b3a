import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import serveStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { HotlineError, type ErrorCode } from '../../core/errors.ts';
import type { Member } from '../../core/policy.ts';
import type { Station } from '../station.ts';
import { ErrorReply } from './schemas.ts';
import { bearer } from './member-of.ts';
import { errors } from '../../wire/responses.ts';
import { apiDocument } from './document.ts';
import { sessionRoutes } from './routes/session.ts';
import { memberRoutes } from './routes/members.ts';
import { lineRoutes } from './routes/lines.ts';
import { entryRoutes } from './routes/entries.ts';
import { logRoutes } from './routes/logs.ts';
import { stationRoutes } from './routes/station.ts';
import { keyRevocationRoutes } from './routes/key-revocation.ts';
import { keyRoutes } from './routes/keys.ts';
import { linkRoutes } from './routes/links.ts';
import { messageRoutes } from './routes/messages.ts';
import { callRoutes } from './routes/calls.ts';
import { readoutRoutes } from './routes/readouts.ts';
import { noticeRoutes } from './routes/notices.ts';
import { checkRoutes } from './routes/checks.ts';
import { lineConfigRoutes } from './routes/line-config.ts';
import { integrityRoutes } from './routes/integrity.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { boardRoutes } from './routes/board.ts';
import { readingRoutes } from './routes/reading.ts';
import { presenceRoutes } from './routes/presence.ts';
import { nameRoutes } from './routes/names.ts';
import { eventStream } from './event-stream.ts';
import { inputRules } from './input-rules.ts';
import { securityHeaders } from './headers.ts';
import { apiServer, type ApiLimits } from './server.ts';
import { requestMetrics } from './request-metrics.ts';
import { contractRecord } from './contract-record.ts';
import type { KeyPair } from '../tls-certificate.ts';
import { forwarder, trustForwardedAddress, type ReplicaSecret } from '../replica/forwarder.ts';
import { SINGLE, type ReplicaStatus } from '../replica/replica.ts';

declare module 'fastify' {
  interface FastifyInstance {
    station: Station;
    /** How many consoles hold the live event stream open. */
    consoles: () => number;
    /** Checks every open stream's credential again (members changed on another replica). */
    recheckConsoles: () => void;
    /** This process's role among the station's replicas, and the leader it knows. */
    replica: () => ReplicaStatus;
  }
  interface FastifyRequest {
    member?: Member;
  }
  interface FastifyContextConfig {
    /** Served without a token (health, identity, login, API description). */
    public?: boolean;
  }
}

/** How the API is served: over TLS with this key pair (or plain HTTP without one), within these limits. */
export interface ApiTransport {
  tls?: KeyPair;
  limits: ApiLimits;
}

/**
 * Where this API stands among the station's replicas. A replica's API
 * passes writes to the leader while it follows (forwarder.ts) and believes
 * a forwarded client address only with the replicas' shared secret.
 */
export interface ApiReplica {
  status: () => ReplicaStatus;
  /** Present on a replica (PostgreSQL), absent on a single station. */
  secret?: ReplicaSecret;
  /** The certificate every replica serves: the leader must present its key. */
  certificate?: string;
}

/** The API; without a transport, on Fastify's default server (for in-process tests through inject). */
export async function buildApp(station: Station, transport?: ApiTransport, replica: ApiReplica = { status: () => SINGLE }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: station.logger as FastifyBaseLogger | undefined,
    // Request URLs name lines; they are logged by route pattern only (see onResponse).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Malformed URLs (bad percent-encoding, over-long parameters) are refused by the router before any hook runs; give them the API's error shape.
    frameworkErrors: (err, _req, reply: any) => {
      void reply.status((err as { statusCode?: number }).statusCode ?? 400).send({ error: { code: 'bad_request', message: err.message } });
    },
    ...(transport ? { serverFactory: (handler: Parameters<typeof apiServer>[0]) => apiServer(handler, transport.limits, transport.tls, station.logger) } : {}),
    // With a server factory this only names the scheme in Fastify's own "listening at" line.
    ...(transport?.tls ? { https: {} as Record<string, never> } : {}),
  });
  // Bodies are validated strictly ({"text": 123} is an error, not "123"); only
  // query strings and path parameters, which arrive as text, are coerced.
  const strict = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, strict: false });
  const coercing = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.decorate('station', station);
  app.decorate('replica', replica.status);

  await app.register(swagger, apiDocument);
  app.addSchema(ErrorReply);

  app.setErrorHandler((err: any, req, reply) => {
    if (err instanceof HotlineError) {
      if (err.code === 'integrity' || err.code === 'internal') req.log.error({ err }, 'integrity failure');
      if (typeof err.details?.retryAfter === 'number') reply.header('retry-after', String(err.details.retryAfter));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (err.validation) {
      const where = err.validationContext ?? 'request';
      return reply.status(400).send({ error: { code: 'bad_request', message: `${where}: ${err.message.replace(/^(body|querystring|params|headers)\/?/, '')}`.trim() } });
    }
    if (constraintFailure(err)) {
      // A safety net: commands check before they write, so this is a race or a missed check, not a crash.
      req.log.warn({ method: req.method, route: req.routeOptions?.url, constraint: err.code }, 'database constraint refused a write');
      return reply.status(409).send({ error: { code: 'conflict', message: constraintMessage(err.code) } });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const code: ErrorCode = err.statusCode === 413 ? 'too_large' : err.statusCode === 404 ? 'not_found' : 'bad_request';
      return reply.status(err.statusCode).send({ error: { code, message: err.message } });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; the station logged it' } });
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'not_found', message: 'no such endpoint' } }));

  // Pages on other sites are refused before anything else looks at the request.
  securityHeaders(app, { https: transport?.tls !== undefined });

  // On a replica: a follower passes writes on before it would authenticate them (the leader does, with the same rules).
  if (replica.secret) {
    trustForwardedAddress(app, replica.secret);
    const forwarding = forwarder(app, { status: replica.status, secret: replica.secret, certificate: replica.certificate });
    app.addHook('onClose', async () => forwarding.close());
  }

  // Authentication comes before validation, so an anonymous caller learns nothing from error details.
  // Everything the API serves lives under /v1; the console's files, health and metrics are public.
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public || !req.routeOptions.url?.startsWith('/v1/')) return;
    req.member = await station.auth.member(bearer(req));
  });

  requestMetrics(app, station.metrics);
  contractRecord(app);

  await inputRules(app);
  await app.register(stationRoutes);
  await app.register(keyRevocationRoutes);
  await app.register(keyRoutes);
  await app.register(sessionRoutes);
  await app.register(memberRoutes);
  await app.register(lineRoutes);
  await app.register(entryRoutes);
  await app.register(logRoutes);
  await app.register(linkRoutes);
  await app.register(messageRoutes);
  await app.register(callRoutes);
  await app.register(readoutRoutes);
  await app.register(noticeRoutes);
  await app.register(checkRoutes);
  await app.register(lineConfigRoutes);
  await app.register(alarmRoutes);
  await app.register(boardRoutes);
  await app.register(readingRoutes);
  await app.register(presenceRoutes);
  await app.register(nameRoutes);
  await app.register(integrityRoutes, { checks: station.integrity?.checks });
  const events = await eventStream(app);
  app.decorate('consoles', events.consoles);
  app.decorate('recheckConsoles', events.recheck);
  // preClose: the server waits for upgraded sockets, so the stream must let go of them first.
  app.addHook('preClose', async () => events.close());
  app.get('/openapi.json', {
    config: { public: true },
    schema: {
      operationId: 'getApiDocument',
      tags: ['station'],
      security: [],
      summary: 'This document: the API in OpenAPI 3.1',
      response: { 200: { type: 'object', additionalProperties: true, description: 'the OpenAPI document' }, ...errors(403) },
    },
  }, async () => app.swagger());
  await serveConsole(app);
  return app as unknown as FastifyInstance;
}


/** The web console, built by Vite into web/dist and served by the station itself: no CDN, nothing fetched at run time. */
async function serveConsole(app: FastifyInstance): Promise<void> {
  const dist = fileURLToPath(new URL('../../../web/dist', import.meta.url));
  if (!existsSync(`${dist}/index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/plain').send('The console is not built here: run `npm run build:web` (npm run demo and npm test do it).'));
    return;
  }
  await app.register(serveStatic, {
    root: dist,
    prefix: '/',
    schemaHide: true,
    // The CSP and the other security headers are added to every response by headers.ts.
    setHeaders(res, path) {
      res.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}

/** better-sqlite3's SqliteError for a UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK or NOT NULL constraint. */
function constraintFailure(err: any): err is { code: string } {
  return err?.name === 'SqliteError' && typeof err.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT');
}

function constraintMessage(code: string): string {
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'that already exists at this station (the name or id is taken)';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'that refers to something this station does not hold (or no longer holds)';
  return 'that conflicts with what this station holds';
}
