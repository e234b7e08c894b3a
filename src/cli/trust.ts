import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent, buildConnector } from 'undici';
import { HotlineError, type ErrorCode } from '../core/errors.ts';
import { normalFingerprint } from '../station/tls-certificate.ts';

/**
 * How the CLI decides that it talks to the right station before it sends a
 * token: the operator's CA (or the station's own api.crt) as the only trust
 * anchors, or the certificate's SHA-256 fingerprint pinned, or, by default,
 * the system's CAs (for a certificate from a public or ministry PKI that the
 * machine already trusts).
 */
export type Trust =
  | { kind: 'system' }
  | { kind: 'ca'; ca: string; from: string }
  | { kind: 'pin'; fingerprint: string; from: string };

/** The error code of a certificate that fails the check (its message says why; nothing was sent). */
export const UNTRUSTED: ErrorCode = 'untrusted';

export function caTrust(path: string, from: string): Trust {
  let ca: string;
  try {
    ca = readFileSync(path, 'utf8');
  } catch {
    throw new HotlineError('bad_request', `cannot read the CA file ${path} (${from})`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new HotlineError('bad_request', `${path} (${from}) holds no PEM certificate`);
  return { kind: 'ca', ca, from };
}

export function pinTrust(text: string, from: string): Trust {
  const fingerprint = normalFingerprint(text);
  if (!fingerprint) throw new HotlineError('bad_request', `${from} must be a certificate's SHA-256 fingerprint: 64 hex digits, colons optional (hotline init and hotline station print it)`);
  return { kind: 'pin', fingerprint, from };
}

class PinMismatch extends Error {
  readonly code = 'HOTLINE_PIN_MISMATCH';
  constructor(readonly presented: string) {
    super(`the certificate presented has SHA-256 ${presented}`);
  }
}

/** Checks a connected socket's certificate against the pin; the error names what was presented. */
function pinned(socket: TLSSocket, fingerprint: string): Error | undefined {
  const presented = socket.getPeerCertificate()?.fingerprint256;
  return presented === fingerprint ? undefined : new PinMismatch(presented ?? 'none');
}

/** The undici dispatcher for fetch; undefined for the system's CAs (the default agent). */
export function dispatcher(trust: Trust): Agent | undefined {
  if (trust.kind === 'system') return undefined;
  if (trust.kind === 'ca') return new Agent({ connect: { ca: trust.ca, allowPartialTrustChain: true } as buildConnector.BuildOptions });
  const connector = buildConnector({ rejectUnauthorized: false });
  // The request is written only once the callback has the socket, so no token leaves before the pin is checked.
  return new Agent({
    connect: (options, callback) =>
      connector(options, (err, socket) => {
        if (err) return callback(err, null);
        const refused = options.protocol === 'https:' ? pinned(socket as TLSSocket, trust.fingerprint) : undefined;
        if (refused) {
          socket!.destroy();
          return callback(refused, null);
        }
        callback(null, socket!);
      }),
  });
}

/** The same trust for a WebSocket (ws) over wss://. */
export function socketOptions(trust: Trust): Pick<ClientRequestArgs, 'createConnection'> & { ca?: string } {
  if (trust.kind === 'system') return {};
  if (trust.kind === 'ca') return { ca: trust.ca, allowPartialTrustChain: true } as { ca: string };
  return {
    // http.request waits for the callback before it writes the upgrade request (and its token).
    createConnection: ((options: ClientRequestArgs & { servername?: string }, callback: (err: Error | null, socket?: Duplex) => void) => {
      const socket = tlsConnect({ host: options.host ?? options.hostname ?? undefined, port: Number(options.port), servername: options.servername, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        const refused = pinned(socket, trust.fingerprint);
        if (refused) {
          socket.destroy();
          callback(refused);
        } else callback(null, socket);
      });
      socket.once('error', (e) => callback(e));
      return undefined;
    }) as unknown as ClientRequestArgs['createConnection'],
  };
}

const UNVERIFIED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_REJECTED', 'INVALID_CA',
]);

/**
 * Turns a failure to connect into one line that says what to do. A
 * certificate that does not check out is never retried or waved through.
 */
export function connectionFailure(url: string, trust: Trust, e: unknown): HotlineError {
  type Failure = Error & { code?: string; cause?: unknown };
  let cause = e as Failure;
  while (cause?.cause instanceof Error && !(cause instanceof PinMismatch) && !cause.code) cause = cause.cause as Failure;
  if (cause instanceof PinMismatch) {
    return new HotlineError(UNTRUSTED, `the station at ${url} is not the one pinned (${trust.kind === 'pin' ? trust.from : 'pin'}): ${cause.message}, not ${trust.kind === 'pin' ? trust.fingerprint : '?'}; nothing was sent`);
  }
  if (cause?.code && UNVERIFIED.has(cause.code)) {
    const how = trust.kind === 'ca'
      ? `it is not signed by the CA in ${trust.from}`
      : 'no CA this machine trusts vouches for it; give --ca FILE (your CA, or the station\'s api.crt) or --pin SHA256 (printed by hotline init and hotline station)';
    return new HotlineError(UNTRUSTED, `the station at ${url} presented a certificate that cannot be trusted (${cause.message}): ${how}; nothing was sent`);
  }
  const reason = cause?.message ?? String(e);
  const hint = url.startsWith('http:') && /closed|reset|socket hang up/i.test(reason) ? ' (stations serve HTTPS: use https://)' : '';
  return new HotlineError('unavailable', `cannot reach the station at ${url}: ${reason}${hint}`);
}
