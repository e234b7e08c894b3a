import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { isIPv6, type Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { HotlineError } from '../../core/errors.ts';
import type { StationConfig } from '../config.ts';
import type { KeyPair } from '../tls-certificate.ts';

export type ApiLimits = StationConfig['apiLimits'];
export type ApiServer = HttpServer | HttpsServer;

interface Logger {
  warn(obj: object, msg: string): void;
}

/** What every secure context of the API has, at start and at each certificate reload. */
export function secureOptions(pair: KeyPair): SecureContextOptions {
  return { cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' };
}

/**
 * The API's HTTP(S) server, built so that hostile connections cannot starve
 * it: every stage of a connection has a deadline (TLS handshake, headers,
 * whole request, idle keep-alive), and connections are capped in all and per
 * address, so one flooding address cannot take the places of the consoles
 * and clients already connected or of those arriving from elsewhere. Links
 * to peer stations have their own listener and are not touched by these caps.
 */
export function apiServer(handler: RequestListener, limits: ApiLimits, tls: KeyPair | undefined, logger?: Logger): ApiServer {
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new HotlineError('bad_request', `hotline.json: apiLimits.headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed apiLimits.requestTimeoutMs (${limits.requestTimeoutMs})`);
  }
  const timeouts = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for requests past their deadlines (its default, 30 s, would let a slow sender hold on for that long).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const server: ApiServer = tls
    ? createHttpsServer({ ...timeouts, ...secureOptions(tls), handshakeTimeout: limits.handshakeTimeoutMs }, handler)
    : createHttpServer(timeouts, handler);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  const refused = refusalLog(logger);
  server.on('drop', (data?: { remoteAddress?: string }) => refused(data?.remoteAddress, 'maxConnections'));
  // A failed or abandoned TLS handshake ends that socket and nothing else (Fastify answers clientError itself).
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  capPerAddress(server, limits.maxConnectionsPerAddress, (address) => refused(address, 'maxConnectionsPerAddress'));
  return server;
}

/**
 * Closes a new connection from an address that already holds `max`. IPv6
 * addresses count per /64, which is what one network is usually given: an
 * attacker with a /64 could otherwise open the cap once per address.
 */
function capPerAddress(server: ApiServer, max: number, onRefused: (address: string) => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return void socket.destroy();
    const key = addressKey(address);
    const count = open.get(key) ?? 0;
    if (count >= max) {
      socket.destroy();
      onRefused(address);
      return;
    }
    open.set(key, count + 1);
    // A reset peer is that connection's end, never the station's.
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

export function addressKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!isIPv6(address)) return address;
  return expandIPv6(address).slice(0, 4).join(':') + '::/64';
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const middle = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** A flood must not flood the log too: the first refusal is logged at once, then one sum per reason every 10 s. */
function refusalLog(logger: Logger | undefined): (address: string | undefined, limit: string) => void {
  const pending = new Map<string, { count: number; addresses: Set<string> }>();
  let quiet = false;
  const flush = () => {
    for (const [limit, { count, addresses }] of pending) logger?.warn({ limit, refused: count, from: [...addresses] }, 'API connections refused');
    pending.clear();
  };
  return (address, limit) => {
    const p = pending.get(limit) ?? { count: 0, addresses: new Set<string>() };
    p.count++;
    if (address && p.addresses.size < 5) p.addresses.add(address);
    pending.set(limit, p);
    if (quiet) return;
    quiet = true;
    flush();
    setTimeout(() => {
      quiet = false;
      flush();
    }, 10_000).unref();
  };
}
