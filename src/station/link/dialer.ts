import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';

/**
 * Opens a TLS WebSocket to one endpoint of a peer. The certificate is not
 * checked against a CA: the station-key handshake that follows is what
 * authenticates the peer, and it fails through any man in the middle.
 */
export function dial(url: string, timeoutMs: number): Promise<{ ws: WebSocket; socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { rejectUnauthorized: false, minVersion: 'TLSv1.3', handshakeTimeout: timeoutMs, maxPayload: 64 * 1024 * 1024 } as WebSocket.ClientOptions);
    let socket: TLSSocket | undefined;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('upgrade', (res) => (socket = res.socket as TLSSocket));
    ws.once('open', () => {
      clearTimeout(timer);
      resolve({ ws, socket: socket! });
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
