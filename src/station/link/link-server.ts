import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { Admission, PRE_AUTH_TOTAL, type AdmissionLimits, type Refusal } from './admission.ts';
import { PRE_AUTH_MAX_PAYLOAD } from './payload-limit.ts';
import { linkTlsGroups } from './tls-groups.ts';

/**
 * A TLS handshake is two round trips; one that has not finished in this time
 * is a stalled or hostile client holding a socket open.
 */
export const TLS_HANDSHAKE_MS = 5_000;
/**
 * The upgrade request is a few hundred bytes sent at once. Headers dribbled
 * slower than this (slowloris) are dropped.
 */
export const UPGRADE_HEADERS_MS = 5_000;
/** How often Node looks for requests past UPGRADE_HEADERS_MS. */
const CHECK_INTERVAL_MS = 1_000;
/** A real upgrade request is well under 1 KiB; this is all the headers we read. */
const MAX_HEADER_BYTES = 8 * 1024;
/**
 * Peers never fragment a message (ws sends each as one frame). A small cap
 * keeps an outsider from making us hold thousands of tiny fragments.
 */
const MAX_FRAGMENTS = 256;
/**
 * Authenticated links one listener may carry: far more peers than any station
 * pins. With the unauthenticated total it caps the listener's sockets (and
 * file descriptors) outright: past that, Node closes a connection at accept,
 * before any TLS or JavaScript object is made for it.
 */
const MAX_LINKS = 256;
/** Refused connections are summed in one warning this often rather than logged one by one. */
const REFUSAL_SUMMARY_MS = 10_000;
/** Addresses named in one summary; the rest are counted together. */
const MAX_NAMED_REFUSALS = 50;

export interface PeerListener {
  server: Server;
  url: string;
  /** Unauthenticated connections held now. */
  pending(): number;
  close(): Promise<void>;
}

/**
 * The connection handed on for the handshake. `authenticated()` must be called
 * once the peer has proved a pinned key: it lifts the pre-authentication
 * deadline and frees the connection's place among the unauthenticated ones.
 */
export interface Arrival {
  ws: WebSocket;
  socket: TLSSocket;
  remote: string;
  authenticated(): void;
}

/**
 * Accepts peer stations' connections: TLS 1.3 (self-signed; see tls.ts) with
 * a WebSocket at /link. Authentication happens after, in the handshake; until
 * then a connection is held to small limits (see admission.ts and
 * payload-limit.ts), and whatever it sends wrong closes that connection only.
 */
export async function listenForPeers(
  tls: { key: string; cert: string },
  host: string,
  port: number,
  onConnection: (arrival: Arrival) => void,
  options: { logger?: Logger; limits?: AdmissionLimits } = {},
): Promise<PeerListener> {
  const logger = options.logger;
  const refusals = new Map<string, number>();
  const refused = (reason: Refusal | 'tls' | 'http' | 'not_upgrade', address = '') => {
    let k = `${reason}${address ? ` from ${address}` : ''}`;
    // Named addresses are capped too: a flood from many addresses must not grow this map.
    if (!refusals.has(k) && refusals.size >= MAX_NAMED_REFUSALS) k = `${reason} from other addresses`;
    refusals.set(k, (refusals.get(k) ?? 0) + 1);
  };
  const summary = setInterval(() => {
    if (refusals.size === 0) return;
    logger?.warn({ refused: Object.fromEntries(refusals) }, 'refused unauthenticated link connections');
    refusals.clear();
  }, REFUSAL_SUMMARY_MS);
  summary.unref();

  const admission = new Admission(options.limits, refused);
  const server = createServer({
    key: tls.key,
    cert: tls.cert,
    minVersion: 'TLSv1.3',
    // X25519MLKEM768 first where the platform has it (OpenSSL 3.5): see tls-groups.ts.
    ...linkTlsGroups(),
    handshakeTimeout: TLS_HANDSHAKE_MS,
    headersTimeout: UPGRADE_HEADERS_MS,
    requestTimeout: UPGRADE_HEADERS_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
    keepAliveTimeout: 1_000,
    maxHeaderSize: MAX_HEADER_BYTES,
  }, (_req, res) => {
    // Only WebSocket upgrades are spoken here.
    refused('not_upgrade');
    res.writeHead(426, { connection: 'close', upgrade: 'websocket', 'content-type': 'text/plain' });
    res.end('this is a hotline link endpoint: WebSocket at /link only\n');
  });
  server.maxConnections = (options.limits?.total ?? PRE_AUTH_TOTAL) + MAX_LINKS;
  server.on('connection', (raw: Socket) => {
    // A reset before or during TLS must cost this connection only.
    raw.on('error', () => undefined);
    admission.admit(raw);
  });
  server.on('tlsClientError', (_err, socket) => {
    refused('tls');
    socket.destroy();
  });
  server.on('clientError', (_err, socket) => {
    refused('http');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });

  const wss = new WebSocketServer({ server, path: '/link', maxPayload: PRE_AUTH_MAX_PAYLOAD, maxFragments: MAX_FRAGMENTS, perMessageDeflate: false });
  // ws re-emits the HTTP server's errors (for example EMFILE under a flood), which the server's own handler below logs;
  // an unheard one would end the process.
  wss.on('error', () => undefined);
  wss.on('connection', (ws, req) => {
    // Attached before anything else can happen: a malformed frame is an 'error' on this socket, never the process's.
    ws.on('error', (e) => logger?.debug({ remote: req.socket.remoteAddress, reason: e.message }, 'link socket error'));
    const socket = req.socket as TLSSocket;
    onConnection({
      ws,
      socket,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      authenticated: () => admission.authenticated(socket.remoteAddress, socket.remotePort),
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => logger?.error({ reason: e.message }, 'link listener error'));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `wss://${host.includes(':') ? `[${host}]` : host}:${actual}/link`,
    pending: () => admission.pending,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(summary);
        for (const client of wss.clients) client.terminate();
        admission.destroyAll();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
