import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HotlineError } from '../../core/errors.ts';
import { foreignOrigin } from './origin.ts';

/**
 * The console's page may load only its own scripts, styles and images, talk
 * only to its own station (the event stream included: CSP 'self' covers
 * wss:// to the same host), and be framed by nobody.
 */
export const CONSOLE_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";
/** Anything else the station serves is data, never a document to render. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** A year; browsers then refuse plain HTTP to this host without asking. */
export const HSTS = 'max-age=31536000';

/** The console's own files (index.html and the hashed assets), which carry no token. */
function consoleFile(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return route === '/' || route === '/*';
}

/**
 * Refuses browser requests from pages on other sites, and puts on every
 * response the headers that apply: HSTS (over HTTPS), a CSP, nosniff, frame
 * refusal and Referrer-Policy; and `Cache-Control: no-store` on everything but
 * the console's files, so no token, and nothing read with one, is kept by a
 * browser or proxy cache. (The event stream's upgrade is judged in
 * event-stream.ts, with the same origin rule.)
 */
export function securityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  // The same few headers go on every response: built once, set in one call (the hooks run on every append).
  const common = {
    ...(options.https ? { 'strict-transport-security': HSTS } : {}),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
  const data = { ...common, 'content-security-policy': DATA_POLICY };
  const page = {
    ...common,
    'content-security-policy': CONSOLE_POLICY,
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()',
  };

  app.addHook('onRequest', (req, _reply, done) => {
    const origin = req.headers.origin;
    if (foreignOrigin(origin, req.headers.host)) {
      done(new HotlineError('forbidden', `refused: a request from a page at ${origin}, not from this station's console; browsers may use the station only from its own pages`));
      return;
    }
    done();
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    const type = String(reply.getHeader('content-type') ?? '');
    // A 304 for the console's page has no content type, and browsers merge its headers into the cached page.
    const isPage = type.startsWith('text/html') || (reply.statusCode === 304 && consoleFile(req));
    reply.headers(isPage ? page : data);
    // A response to a token is never stored, whatever the route asked for (a full tile's
    // "immutable" included: a shared workstation's disk cache would keep a discreet line's entries).
    const authenticated = req.member !== undefined || req.headers.authorization !== undefined;
    if (authenticated || (!consoleFile(req) && !reply.hasHeader('cache-control'))) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
