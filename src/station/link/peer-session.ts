import type WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import { LinkMessage } from '../../core/link/messages.ts';
import type { LinkRole } from '../../core/link/hello.ts';

/**
 * One authenticated link to one peer. Messages are handled strictly in
 * arrival order (one at a time), which the replication protocol relies on.
 * Heartbeats are WebSocket pings carrying the send time; the pong gives RTT.
 */
export class PeerSession {
  readonly opened = Date.now();
  lastHeard = Date.now();
  rttMs: number | null = null;
  /** Per log: entries the peer has told us it holds. */
  readonly peerHas = new Map<string, number>();
  /** Per log: entries we have sent, acknowledged or not. */
  readonly sent = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private closedFlag = false;
  readonly closed: Promise<void>;

  constructor(
    readonly peer: string,
    readonly role: LinkRole,
    readonly endpoint: string,
    private readonly ws: WebSocket,
    handler: (session: PeerSession, message: LinkMessage) => Promise<void>,
    onError: (session: PeerSession, error: unknown) => void,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', () => {
      this.closedFlag = true;
      resolve();
    }));
    ws.on('message', (data) => {
      this.lastHeard = Date.now();
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        onError(this, new Error('a message was not JSON'));
        return;
      }
      if (!Value.Check(LinkMessage, message)) {
        onError(this, new Error(`malformed ${(message as { t?: string })?.t ?? 'message'}`));
        return;
      }
      this.queue = this.queue.then(() => handler(this, message as LinkMessage)).catch((e) => onError(this, e));
    });
    ws.on('pong', (payload) => {
      this.lastHeard = Date.now();
      if (payload.length === 8) this.rttMs = performance.now() - payload.readDoubleBE(0);
    });
    ws.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.closedFlag && this.ws.readyState === this.ws.OPEN;
  }

  send(message: LinkMessage): void {
    if (this.isOpen) this.ws.send(JSON.stringify(message));
  }

  /** Bytes queued in the socket but not yet written: back-pressure for catch-up. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  heartbeat(): void {
    if (!this.isOpen) return;
    const payload = Buffer.alloc(8);
    payload.writeDoubleBE(performance.now(), 0);
    this.ws.ping(payload);
  }

  close(code = 1000, reason = ''): void {
    if (this.isOpen) this.ws.close(code, reason);
    // A silent peer may never complete the closing handshake.
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
