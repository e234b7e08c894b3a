// The witness's HTTP interface (c2sp.org/tlog-witness): POST /add-checkpoint
// and a health check. Bodies are plain text as the spec defines them, not
// JSON; there is no authentication beyond the log's signature on the
// checkpoint, exactly as the spec intends.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { utf8Decode } from '../core/encoding.ts';
import { processAddCheckpoint, type WitnessDeps } from './add-checkpoint.ts';
import { processKeyRotation } from './key-rotation.ts';

/** The spec's content type for the 409 body: the witnessed size in decimal and a newline. */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';
const TEXT = 'text/plain; charset=utf-8';

// 63 proof lines and a checkpoint with a hundred signatures fit in well under this.
export const BODY_LIMIT = 64 * 1024;
/**
 * A witness answers anyone on the network, so every stage of a request is
 * bounded: headers must arrive within WITNESS_HEADERS_MS (slowloris), the
 * whole request within WITNESS_REQUEST_MS, and a socket that says nothing for
 * WITNESS_IDLE_MS is closed. A station's request is a few KiB sent at once.
 */
export const WITNESS_HEADERS_MS = 5_000;
export const WITNESS_REQUEST_MS = 10_000;
export const WITNESS_IDLE_MS = 10_000;
/** Headers of a real request are a few hundred bytes. */
const MAX_HEADER_BYTES = 8 * 1024;

export async function buildWitnessApp(deps: WitnessDeps, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    connectionTimeout: WITNESS_IDLE_MS,
    keepAliveTimeout: 5_000,
    requestTimeout: WITNESS_REQUEST_MS,
    http: { headersTimeout: WITNESS_HEADERS_MS, requestTimeout: WITNESS_REQUEST_MS, connectionsCheckingInterval: 1_000, maxHeaderSize: MAX_HEADER_BYTES },
  });
  // The spec names no request content type: take any (or none) as raw bytes and decode strictly below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: any, req, reply) => {
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).type(TEXT).send(`${err.message}\n`);
    }
    req.log.error({ err }, 'unexpected error');
    return reply.status(500).type(TEXT).send('internal error; the witness logged it\n');
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).type(TEXT).send('no such endpoint\n'));

  app.get('/healthz', async () => ({ status: 'ok' as const }));

  app.post('/add-checkpoint', async (req, reply) => {
    let body: string;
    try {
      body = utf8Decode(req.body instanceof Uint8Array ? req.body : new Uint8Array(0));
    } catch {
      return reply.status(400).type(TEXT).send('request body is not valid UTF-8\n');
    }
    const r = processAddCheckpoint(deps, body);
    if (r.ok) {
      req.log.info({ origin: r.origin, size: r.size }, 'cosigned');
      return reply.type(TEXT).send(r.cosignatures.join(''));
    }
    // Evidence means the log may be showing two histories: worth a warning.
    req.log[r.evidence ? 'warn' : 'info']({ origin: r.origin, status: r.status, reason: r.message }, 'refused');
    if (r.status === 409) return reply.status(409).type(SIZE_CONTENT_TYPE).send(`${r.knownSize}\n`);
    return reply.status(r.status).type(TEXT).send(`${r.message}\n`);
  });

  // A log's key rotation: the statement in the body, as text (src/witness/key-rotation.ts).
  app.post('/hotline/key-rotation', async (req, reply) => {
    let body: string;
    try {
      body = utf8Decode(req.body instanceof Uint8Array ? req.body : new Uint8Array(0));
    } catch {
      return reply.status(400).type(TEXT).send('request body is not valid UTF-8\n');
    }
    const r = processKeyRotation(deps, body);
    if (!r.ok) {
      req.log.info({ status: r.status, reason: r.message }, 'key rotation refused');
      return reply.status(r.status).type(TEXT).send(`${r.message}\n`);
    }
    if (r.rotated.length) req.log.info({ origins: r.rotated }, 'key rotated');
    return reply.type(TEXT).send(r.already ? 'already rotated\n' : `rotated ${r.rotated.length} logs\n`);
  });
  return app;
}
