import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';

/**
 * Accepts peer stations' connections: TLS 1.3 (self-signed; see tls.ts) with
 * a WebSocket at /link. Authentication happens after, in the handshake.
 */
export async function listenForPeers(
  tls: { key: string; cert: string },
  host: string,
  port: number,
  onConnection: (ws: import('ws').WebSocket, socket: TLSSocket, remote: string) => void,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.3' });
  const wss = new WebSocketServer({ server, path: '/link', maxPayload: 64 * 1024 * 1024 });
  wss.on('connection', (ws, req) => onConnection(ws, req.socket as TLSSocket, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `wss://${host.includes(':') ? `[${host}]` : host}:${actual}/link`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
