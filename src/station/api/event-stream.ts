import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { canOnLine, type Member } from '../../core/policy.ts';
import { HotlineError } from '../../core/errors.ts';
import { lineAccess } from '../line-access.ts';
import type { FeedEvent } from '../feed.ts';
import type { Station } from '../station.ts';
import { memberOf } from './app.ts';

const TICKET_MS = 30_000;
/** A console this far behind is dropped; it reconnects and refetches rather than pin memory. */
const MAX_BUFFERED = 8 * 1024 * 1024;

interface Console {
  ws: WebSocket;
  member: Member;
}

/**
 * The live event stream: one WebSocket per console at /v1/events. Browsers
 * cannot set headers on a WebSocket, so a console first trades its token for
 * a one-time ticket (POST /v1/events/ticket) and connects with ?ticket=…;
 * other clients may send the bearer token directly. Every event is checked
 * against the member's rights on its line at the moment it is sent, so a
 * member never hears of a line they cannot see.
 */
export async function eventStream(app: FastifyInstance): Promise<{ consoles: () => number; close(): void }> {
  const station = app.station;
  const tickets = new Map<string, { member: Member; expires: number }>();
  const consoles = new Set<Console>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  app.post('/v1/events/ticket', {
    schema: {
      summary: 'A one-time ticket for the live event stream (GET /v1/events as a WebSocket, ?ticket=…), valid for 30 s',
      response: { 200: Type.Object({ ticket: Type.String(), expiresAt: Type.Integer() }) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    const ticket = randomBytes(24).toString('base64url');
    const expires = station.clock() + TICKET_MS;
    tickets.set(hash(ticket), { member, expires });
    for (const [k, t] of tickets) if (t.expires < station.clock()) tickets.delete(k);
    return { ticket, expiresAt: expires };
  });

  async function authenticate(req: IncomingMessage): Promise<Member> {
    const url = new URL(req.url ?? '/', 'http://station');
    const ticket = url.searchParams.get('ticket');
    if (ticket) {
      const t = tickets.get(hash(ticket));
      tickets.delete(hash(ticket));
      if (!t || t.expires < station.clock()) throw new HotlineError('unauthenticated', 'the ticket is unknown, used or expired');
      const record = await station.store.memberById(t.member.id);
      if (!record || record.disabled) throw new HotlineError('unauthenticated', 'the member is disabled');
      return { id: record.id, name: record.name, role: record.role };
    }
    const header = req.headers.authorization;
    return station.auth.member(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://station').pathname !== '/v1/events') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    authenticate(req).then(
      (member) => wss.handleUpgrade(req, socket, head, (ws) => open(ws, member)),
      (e: unknown) => {
        const status = e instanceof HotlineError ? e.status : 500;
        const body = JSON.stringify({ error: { code: e instanceof HotlineError ? e.code : 'internal', message: e instanceof HotlineError ? e.message : 'internal error' } });
        socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      },
    );
  };
  app.server.on('upgrade', onUpgrade);

  function open(ws: WebSocket, member: Member) {
    const c: Console = { ws, member };
    consoles.add(c);
    ws.send(JSON.stringify({ type: 'hello', station: station.name, member: { name: member.name, role: member.role } }));
    ws.on('close', () => consoles.delete(c));
    ws.on('error', () => consoles.delete(c));
    // Consoles only listen; anything they send is ignored (pings are answered by ws itself).
    ws.on('message', () => undefined);
  }

  // One queue keeps events in order while each waits for its line's record.
  let queue = Promise.resolve();
  const unsubscribe = station.feed.subscribe((event) => {
    if (consoles.size === 0) return;
    queue = queue.then(() => deliver(event)).catch((e) => station.logger?.warn({ reason: (e as Error).message }, 'event delivery failed'));
  });

  async function deliver(event: FeedEvent) {
    const line = event.line ? await station.store.line(event.line) : null;
    if (event.line && !line) return;
    const { need, only, ...visible } = event;
    const text = JSON.stringify(visible);
    for (const c of consoles) {
      if (only && !only.includes(c.member.id)) continue;
      if (line && !canOnLine(c.member, lineAccess(line, c.member), need ?? 'read')) continue;
      if (c.ws.bufferedAmount > MAX_BUFFERED) {
        c.ws.close(1013, 'console too slow; reconnect and refetch');
        consoles.delete(c);
        continue;
      }
      c.ws.send(text);
    }
  }

  const pings = setInterval(() => {
    for (const c of consoles) c.ws.ping();
  }, 30_000);

  return {
    consoles: () => consoles.size,
    close() {
      clearInterval(pings);
      unsubscribe();
      app.server.off('upgrade', onUpgrade);
      for (const c of consoles) c.ws.terminate();
      wss.close();
    },
  };
}

function hash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
