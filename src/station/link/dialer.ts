import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { PRE_AUTH_MAX_PAYLOAD } from './payload-limit.ts';
import { linkTlsGroups } from './tls-groups.ts';

/**
 * Opens a TLS WebSocket to one endpoint of a peer. The certificate is not
 * checked against a CA: the station-key handshake that follows is what
 * authenticates the peer, and it fails through any man in the middle.
 * Until that handshake, whoever answers is a stranger: messages are held to
 * PRE_AUTH_MAX_PAYLOAD (raised once the peer's hello verifies), compression is
 * off, and the socket's errors end this connection only.
 */
export function dial(url: string, timeoutMs: number, onError: (e: Error) => void = () => undefined): Promise<{ ws: WebSocket; socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      // X25519MLKEM768 first where the platform has it (OpenSSL 3.5): see tls-groups.ts.
      ...linkTlsGroups(),
      handshakeTimeout: timeoutMs,
      maxPayload: PRE_AUTH_MAX_PAYLOAD,
      perMessageDeflate: false,
      followRedirects: false,
    } as WebSocket.ClientOptions);
    let socket: TLSSocket | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      ws.terminate();
      fail(new Error(`no answer from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    function fail(e: Error) {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(e);
    }
    ws.once('upgrade', (res) => (socket = res.socket as TLSSocket));
    ws.once('open', () => {
      clearTimeout(timer);
      settled = true;
      resolve({ ws, socket: socket! });
    });
    // Kept for the connection's life: a malformed frame from the other end is an 'error' here, never the process's.
    ws.on('error', (e) => {
      if (settled) onError(e);
      else fail(e);
    });
  });
}
