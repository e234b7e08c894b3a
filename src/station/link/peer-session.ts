import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LinkMessage } from '../../core/link/messages.ts';
import type { LinkRole } from '../../core/link/hello.ts';
import { SealError, type FrameSeal } from './frame-seal.ts';
import type { LinkProtection } from './link-protection.ts';

/** Compiled once: every message on every link is checked against it. */
const isLinkMessage = TypeCompiler.Compile(LinkMessage);

/** Close codes a session uses on its own (4001 refusals, 4009 duplicates: links.ts). */
export const CLOSE_FRAME_NOT_OPEN = 4002;
export const CLOSE_KEY_SPENT = 4004;
export const CLOSE_REFUSED = 4001;

/**
 * One authenticated link to one peer. Messages are handled strictly in
 * arrival order (one at a time), which the replication protocol relies on.
 * Heartbeats are WebSocket pings carrying the send time; the pong gives RTT.
 */
export class PeerSession {
  /** This session's id: every log line the session causes carries it (as `link`), so one link's story can be followed. */
  readonly id = randomUUID();
  /** The station's logger bound to this session's id and peer (set by Links when it adopts the session). */
  log?: Logger;
  readonly opened = Date.now();
  lastHeard = Date.now();
  rttMs: number | null = null;
  /** Per log: entries the peer has told us it holds. */
  readonly peerHas = new Map<string, number>();
  /** Per log: entries we have sent, acknowledged or not. */
  readonly sent = new Map<string, number>();
  /** Per log: since when the peer has lacked entries we hold (cleared once it says it has them all): delivery lag. */
  readonly behindSince = new Map<string, number>();
  private readonly inbox: LinkMessage[] = [];
  private working = false;
  private closedFlag = false;
  /**
   * Whether the peer has sent this session a message (every peer sends its
   * line offer at once). Until then the link does not count as up: a peer
   * that refuses the session right after the hello (its key-exchange policy
   * differs) never shows as a link that came up and went down.
   */
  confirmed = false;
  /** Set once this end has closed the session for a reason of its own: what else arrives is dropped unread. */
  private ending = false;
  readonly closed: Promise<void>;
  /** How the session ended (the WebSocket close code and reason), once it has. */
  closedWith?: { code: number; reason: string };
  /** What protects this link: TLS, and the hybrid exchange's keys when it ran (see link-protection.ts). */
  readonly protection: LinkProtection;
  private readonly seal?: FrameSeal;

  constructor(
    readonly peer: string,
    readonly role: LinkRole,
    readonly endpoint: string,
    private readonly ws: WebSocket,
    handler: (session: PeerSession, message: LinkMessage) => Promise<void>,
    onError: (session: PeerSession, error: unknown) => void,
    /** Messages that arrived between the peer's hello (or the key exchange) and this session (see handshake.ts). */
    early: WebSocket.RawData[] = [],
    secured: { protection: LinkProtection; seal?: FrameSeal } = { protection: { tls: null, tlsGroup: null, exchange: 'none', cipher: null } },
  ) {
    this.protection = secured.protection;
    this.seal = secured.seal;
    this.closed = new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => {
      this.closedFlag = true;
      this.closedWith = { code, reason: reason.toString() };
      resolve();
    }));
    const onData = (data: WebSocket.RawData) => {
      if (this.ending) return;
      this.lastHeard = Date.now();
      let text: string;
      if (this.seal) {
        try {
          text = this.seal.open(bytesOf(data)).toString();
        } catch (e) {
          // Replayed, reordered, altered, or not sealed at all: the stream is no longer trusted, and nothing more of it is read.
          this.end(CLOSE_FRAME_NOT_OPEN, 'a sealed frame did not open');
          onError(this, e);
          return;
        }
      } else {
        text = data.toString();
      }
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        onError(this, new Error('a message was not JSON'));
        return;
      }
      if (!this.seal && (message as { t?: unknown })?.t === 'kex.offer') {
        // The peer requires the hybrid exchange and this station has it off: say so rather than ignore the offer.
        this.end(CLOSE_REFUSED, 'the hybrid key exchange is off at this station');
        onError(this, new Error('the peer offered the hybrid key exchange, which is off at this station'));
        return;
      }
      if (!isLinkMessage.Check(message)) {
        onError(this, new Error(`malformed ${(message as { t?: string })?.t ?? 'message'}`));
        return;
      }
      this.confirmed = true;
      this.inbox.push(message as LinkMessage);
      if (!this.working) void this.work(handler, onError);
    };
    for (const data of early) onData(data);
    ws.on('message', onData);
    ws.on('pong', (payload) => {
      this.lastHeard = Date.now();
      if (payload.length === 8) this.rttMs = performance.now() - payload.readDoubleBE(0);
    });
    // The socket's own errors (a malformed frame, a reset) close this session only; 'close' follows.
    ws.on('error', () => undefined);
  }

  /**
   * Handles the inbox in order. Before each step it lets the event loop read
   * whatever else has arrived, then merges runs of contiguous pushes of one
   * log (and runs of receipts) into one: under load the receiving side then
   * verifies, commits and cosigns once per run instead of once per message.
   */
  private async work(handler: (session: PeerSession, message: LinkMessage) => Promise<void>, onError: (session: PeerSession, error: unknown) => void) {
    this.working = true;
    try {
      while (this.inbox.length > 0) {
        await new Promise((r) => setImmediate(r));
        const message = coalesce(this.inbox);
        try {
          await handler(this, message);
        } catch (e) {
          onError(this, e);
        }
      }
    } finally {
      this.working = false;
    }
  }

  get isOpen(): boolean {
    return !this.closedFlag && this.ws.readyState === this.ws.OPEN;
  }

  send(message: LinkMessage): void {
    if (!this.isOpen || this.ending) return;
    if (!this.seal) {
      this.ws.send(JSON.stringify(message));
      return;
    }
    let frame: Buffer;
    try {
      frame = this.seal.seal(Buffer.from(JSON.stringify(message)));
    } catch (e) {
      if (!(e instanceof SealError)) throw e;
      // The key has sealed all it may: the link is set up again, with fresh keys, and replication resumes from the sizes.
      this.end(CLOSE_KEY_SPENT, 'session key spent; set the link up again');
      return;
    }
    this.ws.send(frame, { binary: true });
  }

  /** Closes the session for a reason of this end's; nothing more is read or sent on it. */
  private end(code: number, reason: string): void {
    this.ending = true;
    this.inbox.length = 0;
    this.close(code, reason);
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

function bytesOf(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function coalesce(inbox: LinkMessage[]): LinkMessage {
  const first = inbox.shift()!;
  if (first.t === 'push') {
    let merged = first;
    while (inbox[0]?.t === 'push') {
      const next = inbox[0];
      if (next.line !== merged.line || next.party !== merged.party || next.start !== merged.start + merged.entries.length) break;
      inbox.shift();
      merged = { ...merged, entries: [...merged.entries, ...next.entries], checkpoint: next.checkpoint ?? merged.checkpoint };
    }
    return merged;
  }
  if (first.t === 'cosign') {
    // A cosignature on size N is a cumulative receipt: the largest one waiting
    // for the same log and cosigner supersedes the rest, wherever they sit.
    let latest = first;
    for (let i = 0; i < inbox.length; i++) {
      const m = inbox[i];
      if (m.t === 'cosign' && m.line === first.line && m.party === first.party && m.cosigner === first.cosigner) {
        if (m.size >= latest.size) latest = m;
        inbox.splice(i--, 1);
      }
    }
    return latest;
  }
  if (first.t === 'have' && !first.resend && first.logs.length === 1) {
    // Plain acknowledgements of one log: only the largest matters.
    const log = first.logs[0];
    let size = log.size;
    for (let i = 0; i < inbox.length; i++) {
      const m = inbox[i];
      if (m.t === 'have' && !m.resend && m.logs.length === 1 && m.logs[0].line === log.line && m.logs[0].party === log.party) {
        size = Math.max(size, m.logs[0].size);
        inbox.splice(i--, 1);
      }
    }
    return { t: 'have', logs: [{ ...log, size }] };
  }
  return first;
}
