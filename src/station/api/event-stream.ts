import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FastifyInstance } from 'fastify';
import { canOnLine, type Member } from '../../core/policy.ts';
import { HotlineError } from '../../core/errors.ts';
import { lineAccess } from '../line-access.ts';
import { credentialId, hashToken, type Revocation } from '../auth.ts';
import type { FeedEvent } from '../feed.ts';
import { bearer, memberOf } from './member-of.ts';
import { foreignOrigin } from './origin.ts';
import { EventTicket } from '../../wire/event-ticket.ts';
import { errors, signedIn, withBody } from '../../wire/responses.ts';

const TICKET_MS = 30_000;
/** How often open streams are checked against their credential (expiry, idle timeout); revocations close them at once. */
const RECHECK_MS = 5_000;
/** The close code a console gets when what it signed in with ends: sign in again rather than reconnect. */
export const CLOSE_REVOKED = 4001;
/** A console this far behind is dropped; it reconnects and refetches rather than pin memory. */
const MAX_BUFFERED = 8 * 1024 * 1024;

interface Console {
  ws: WebSocket;
  member: Member;
  /** The session or token the stream was opened with (directly or through a ticket). */
  tokenHash: Uint8Array;
  credential: string;
}

/**
 * The live event stream: one WebSocket per console at /v1/events. Browsers
 * cannot set headers on a WebSocket, so a console first trades its token for
 * a one-time ticket (POST /v1/events/ticket) and connects with ?ticket=…;
 * other clients may send the bearer token directly. Every event is checked
 * against the member's rights on its line at the moment it is sent, so a
 * member never hears of a line they cannot see.
 *
 * Tickets are kept in the database, so a ticket made on one replica opens
 * a stream on any other; each works once.
 *
 * A stream lives no longer than what it was opened with: signing out,
 * revoking the token, disabling the member or changing their role closes it
 * at once (on another replica: when the store's change feed says members
 * changed, every stream's credential is checked again), a ticket is worth
 * only as much as its credential at the moment it is used, and an expired
 * or idle session closes it within RECHECK_MS. Upgrades from a page on another origin are
 * refused (cross-site WebSocket hijacking), and a connection that breaks
 * the protocol is closed alone: no socket error reaches the process.
 */
export async function eventStream(app: FastifyInstance): Promise<{ consoles: () => number; recheck(): void; close(): void }> {
  const station = app.station;
  const consoles = new Set<Console>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  app.post('/v1/events/ticket', {
    schema: {
      operationId: 'createEventTicket',
      tags: ['events'],
      summary: 'A one-time ticket for the live event stream (GET /v1/events as a WebSocket, ?ticket=…), valid for 30 s',
      response: { 200: EventTicket, ...errors(...signedIn, ...withBody) },
    },
  }, async (req) => {
    const member = await memberOf(req);
    const ticket = randomBytes(24).toString('base64url');
    const expires = station.clock() + TICKET_MS;
    await station.store.addTicket(hash(ticket), { memberId: member.id, tokenHash: hashToken(bearer(req)!), expiresAt: expires });
    return { ticket, expiresAt: expires };
  });

  /** The member and credential behind an upgrade: a one-time ticket, or a bearer token for non-browser clients. */
  async function authenticate(req: IncomingMessage): Promise<{ member: Member; tokenHash: Uint8Array }> {
    const url = new URL(req.url ?? '/', 'http://station');
    const ticket = url.searchParams.get('ticket');
    let tokenHash: Uint8Array;
    if (ticket) {
      const t = await station.store.takeTicket(hash(ticket), station.clock());
      if (!t || t.expiresAt < station.clock()) throw new HotlineError('unauthenticated', 'the ticket is unknown, used or expired');
      tokenHash = t.tokenHash;
    } else {
      const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7).trim() : undefined;
      if (!token) throw new HotlineError('unauthenticated', 'sign in first: connect with ?ticket=… (POST /v1/events/ticket) or Authorization: Bearer <token>');
      tokenHash = hashToken(token);
    }
    // The credential must still be good now: a ticket outlives nothing it was made from.
    const { member } = await station.auth.resolve(tokenHash, { touch: !ticket });
    if (await station.signIn.mustEnrol(member)) throw new HotlineError('forbidden', 'your role requires a second factor: enrol one (TOTP or a passkey) first');
    return { member, tokenHash };
  }

  const refuse = (socket: Duplex, status: number, code: string, message: string) => {
    const body = JSON.stringify({ error: { code, message } });
    const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Error';
    if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets or sends garbage while we authenticate must cost only its own socket.
    socket.on('error', () => socket.destroy());
    if (new URL(req.url ?? '/', 'http://station').pathname !== '/v1/events') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (foreignOrigin(req.headers.origin, req.headers.host)) {
      refuse(socket, 403, 'forbidden', 'this stream is for consoles served by this station; the page\'s origin is another site');
      return;
    }
    authenticate(req).then(
      ({ member, tokenHash }) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => open(ws, member, tokenHash));
      },
      (e: unknown) => {
        if (e instanceof HotlineError) refuse(socket, e.status, e.code, e.message);
        else {
          station.logger?.warn({ reason: (e as Error).message }, 'event stream upgrade failed');
          refuse(socket, 500, 'internal', 'internal error');
        }
      },
    );
  };
  app.server.on('upgrade', onUpgrade);

  function open(ws: WebSocket, member: Member, tokenHash: Uint8Array) {
    const c: Console = { ws, member, tokenHash, credential: credentialId(tokenHash) };
    consoles.add(c);
    ws.send(JSON.stringify({ type: 'hello', station: station.name, member: { name: member.name, role: member.role } }));
    ws.on('close', () => consoles.delete(c));
    // A malformed or oversized frame: ws reports it here and the connection, alone, is dropped.
    ws.on('error', () => {
      consoles.delete(c);
      ws.terminate();
    });
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
    const named = 'line' in event ? event.line : undefined;
    const line = named ? await station.store.line(named) : null;
    if (named && !line) return;
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

  const end = (c: Console, reason: string) => {
    consoles.delete(c);
    c.ws.close(CLOSE_REVOKED, reason);
    // A console that does not answer the close is cut off rather than left half open.
    setTimeout(() => c.ws.terminate(), 1000).unref();
  };
  const offRevoke = station.auth.onRevoke((r: Revocation) => {
    const hit = 'member' in r ? (x: { member: Member }) => x.member.id === r.member : (x: { credential: string }) => r.credentials.includes(x.credential);
    for (const c of consoles) if (hit(c)) end(c, 'member' in r ? 'your membership changed; sign in again' : 'signed out');
  });
  // Expiry and the idle timeout end a credential without anyone revoking it; on another replica, so does a revocation.
  const recheckAll = () => {
    for (const c of consoles) {
      station.auth.resolve(c.tokenHash, { touch: false }).then(
        ({ member }) => {
          if (consoles.has(c) && member.role !== c.member.role) end(c, 'your membership changed; sign in again');
        },
        // A database that cannot answer now says nothing about the session: the stream stays, and the next recheck decides.
        (e) => consoles.has(c) && !(e instanceof HotlineError && e.code === 'unavailable') && end(c, 'the session ended'),
      );
    }
  };
  const recheck = setInterval(recheckAll, RECHECK_MS);

  return {
    consoles: () => consoles.size,
    recheck: recheckAll,
    close() {
      clearInterval(pings);
      clearInterval(recheck);
      offRevoke();
      unsubscribe();
      app.server.off('upgrade', onUpgrade);
      for (const c of consoles) c.ws.terminate();
      wss.close();
    },
  };
}

function hash(ticket: string): Uint8Array {
  return createHash('sha256').update(ticket).digest();
}
