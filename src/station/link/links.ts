import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { Crypto, Signer } from '../../core/crypto.ts';
import type { LinkRole } from '../../core/link/hello.ts';
import { FRAME_TAG_LENGTH } from '../../core/link/hybrid.ts';
import type { LinkMessage, Signal } from '../../core/link/messages.ts';
import { linkStatus, uptime, type LinkStatus } from '../../core/link/status.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import type { PeerRecord, Store } from '../storage/store.ts';
import { dial } from './dialer.ts';
import { handshake, HandshakeError, refuse, type HandshakeFailure } from './handshake.ts';
import { ExchangeError } from './hybrid-exchange.ts';
import { protectLink, type ExchangePolicy, type LinkProtection, type Protected } from './link-protection.ts';
import { listenForPeers, type Arrival } from './link-server.ts';
import { LINK_MAX_PAYLOAD, raisePayloadLimit } from './payload-limit.ts';
import { CLOSE_FRAME_NOT_OPEN, CLOSE_KEY_SPENT, CLOSE_REFUSED, PeerSession } from './peer-session.ts';
import type { Replicator } from './replicator.ts';

/**
 * Refused handshakes are logged one by one up to this many per
 * REFUSAL_LOG_MS, then only counted, so that a flood cannot fill the log.
 * On the listener, refusals any stranger can cause (no hello, garbage, an
 * unpinned name) are debug only; a pinned name with the wrong key (a man in
 * the middle, or a changed key) is always worth a warning.
 */
const REFUSALS_LOGGED = 20;
const REFUSAL_LOG_MS = 10_000;
const ALARMING: ReadonlySet<HandshakeFailure> = new Set(['bad_signature', 'wrong_peer']);

/**
 * The key-exchange policy: the configured one (hotline.json `linkExchange`),
 * unless `HOTLINE_LINK_EXCHANGE=off` turns the hybrid exchange off for this
 * process (the tests and the benchmark's figure without it).
 */
export function exchangePolicyFromEnvironment(value = process.env.HOTLINE_LINK_EXCHANGE, configured: ExchangePolicy = 'hybrid'): ExchangePolicy {
  return value === 'off' ? 'off' : configured;
}

export interface LinkView {
  peer: string;
  status: LinkStatus;
  since: number;
  rttMs: number | null;
  endpoint: string | null;
  /** Fraction of the recorded part of the last 24 hours the link was up or degraded. */
  uptime24h: number;
  /** Fraction of the last 24 hours this station has a record of the link for. */
  recorded24h: number;
  /** What protects the link's session now; null with no session. */
  protection: LinkProtection | null;
}

interface PeerState {
  record: PeerRecord;
  status: LinkStatus;
  since: number;
  urlIndex: number;
  dialing: boolean;
}

/**
 * The station's links to its pinned peers: listens for them, dials them
 * (failing over between each peer's endpoints), authenticates every
 * connection, keeps one session per peer, and watches heartbeats to derive
 * each link's status, recording every change.
 */
export class Links {
  private readonly sessions = new Map<string, PeerSession>();
  private readonly peers = new Map<string, PeerState>();
  private timers: NodeJS.Timeout[] = [];
  private server?: { url: string; pending(): number; close(): Promise<void> };
  private stopped = false;
  private refusalsLogged = 0;
  private refusalsQuiet = 0;
  onStatus?: (peer: string, status: LinkStatus, previous: LinkStatus) => void;
  /** A peer relayed call signalling; checked and handed to consoles by the station. */
  onSignal?: (peer: string, signal: Signal) => void;

  constructor(
    private readonly deps: {
      store: Store;
      crypto: Crypto;
      signer: Signer;
      me: string;
      replicator: Replicator;
      heartbeatMs: number;
      clock: () => number;
      logger?: Logger;
      /** Whether links run the hybrid key exchange (default: required; see link-protection.ts). */
      exchange?: ExchangePolicy;
    },
  ) {
    this.exchange = deps.exchange ?? exchangePolicyFromEnvironment();
  }

  /** Whether this station's links run the hybrid key exchange. */
  readonly exchange: ExchangePolicy;

  get url(): string | undefined {
    return this.server?.url;
  }

  async start(tls: { key: string; cert: string }, host: string, port: number): Promise<string> {
    this.server = await listenForPeers(tls, host, port, (arrival) => void this.accept(arrival), { logger: this.deps.logger });
    await this.dialOut();
    return this.server.url;
  }

  /**
   * Dials every pinned peer and keeps the links, without listening for any:
   * `hotline recover` runs this while the station itself is stopped.
   */
  async dialOut(): Promise<void> {
    await this.reloadPeers();
    const beat = this.deps.heartbeatMs;
    this.timers.push(setInterval(() => {
      if (this.refusalsQuiet > 0) this.deps.logger?.warn({ count: this.refusalsQuiet }, 'refused more links than were logged one by one');
      this.refusalsLogged = 0;
      this.refusalsQuiet = 0;
    }, REFUSAL_LOG_MS));
    this.timers.push(setInterval(() => void this.reloadPeers().catch((e) => this.deps.logger?.warn({ reason: (e as Error).message }, 'could not reread the peer pins')), 2000));
    this.timers.push(setInterval(() => {
      for (const s of this.sessions.values()) s.heartbeat();
    }, beat));
    this.timers.push(setInterval(() => void this.watched(), Math.max(25, beat / 4)));
  }

  /** Peers pinned now, with whether their link is open. */
  linked(): Array<{ peer: string; open: boolean; dialable: boolean }> {
    return [...this.peers.values()].map((p) => ({ peer: p.record.name, open: !!this.sessions.get(p.record.name)?.isOpen, dialable: p.record.urls.length > 0 }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sessions.values()) s.terminate();
    await this.server?.close();
  }

  /** The link's status now, as the heartbeats tell it. */
  statusOf(peer: string): LinkStatus | 'unknown' {
    return this.peers.get(peer)?.status ?? 'unknown';
  }

  /** Each pinned peer's link as it stands, without touching the store: what /metrics reads at every scrape. */
  readings(): Array<{ peer: string; status: LinkStatus; rttMs: number | null }> {
    return [...this.peers].map(([peer, state]) => {
      const session = this.sessions.get(peer);
      return { peer, status: state.status, rttMs: session?.isOpen ? session.rttMs : null };
    });
  }

  async views(): Promise<LinkView[]> {
    const now = this.deps.clock();
    const out: LinkView[] = [];
    for (const [peer, state] of this.peers) {
      const session = this.sessions.get(peer);
      const events = await this.deps.store.linkEvents(peer, now - 24 * 3600_000);
      out.push({
        peer,
        status: state.status,
        since: state.since,
        rttMs: session?.rttMs ?? null,
        endpoint: session?.endpoint ?? null,
        uptime24h: uptime(events, 'down', Math.max(now - 24 * 3600_000, events[0]?.time ?? now), now),
        // How much of the 24 hours the uptime is a measure of: before the first record there is nothing to say.
        recorded24h: (now - Math.max(now - 24 * 3600_000, events[0]?.time ?? now)) / (24 * 3600_000),
        protection: session?.isOpen ? session.protection : null,
      });
    }
    return out;
  }

  /** Picks up peers pinned (or removed) since the last look, e.g. by `hotline peer add`. */
  async reloadPeers(): Promise<void> {
    const records = await this.deps.store.listPeers();
    for (const record of records) {
      const state = this.peers.get(record.name);
      if (!state) {
        this.peers.set(record.name, { record, status: 'down', since: this.deps.clock(), urlIndex: 0, dialing: false });
      } else if (JSON.stringify(state.record) !== JSON.stringify(record)) {
        state.record = record;
        state.urlIndex = 0;
        if (this.sessions.get(record.name)) this.sessions.get(record.name)!.close(4000, 'peer settings changed');
      }
      this.dialLoop(record.name);
    }
    for (const name of this.peers.keys()) {
      if (!records.some((r) => r.name === name)) {
        this.peers.delete(name);
        this.sessions.get(name)?.close(4003, 'peer no longer pinned');
      }
    }
  }

  /**
   * Ends the sessions with `peer` (with every peer when none is named): they
   * were authenticated by a key now revoked (ours or the peer's), and the
   * link comes back, if at all, through a new hello.
   */
  closeSessions(reason: string, peer?: string): void {
    for (const [name, s] of this.sessions) if (peer === undefined || name === peer) s.close(4000, reason);
  }

  private pinned(): Map<string, string> {
    return new Map([...this.peers.values()].map((p) => [p.record.name, p.record.key]));
  }

  /** Unauthenticated connections the listener holds now. */
  get pendingConnections(): number {
    return this.server?.pending() ?? 0;
  }

  private async accept({ ws, socket, remote, authenticated }: Arrival): Promise<void> {
    try {
      const { peer, key, takeEarly } = await handshake(ws, socket, 'listener', this.parties(), undefined, undefined, () => this.authenticated(ws, authenticated));
      const secured = await protectLink(ws, socket, 'listener', this.exchange, this.protectionParties(peer, key), takeEarly());
      this.adopt(peer, 'listener', remote, ws, secured);
    } catch (e) {
      this.refused(e, { remote }, 'refused a link', true);
      refuse(ws, 4001, e instanceof HandshakeError || e instanceof ExchangeError ? e.message : 'refused');
    }
  }

  /** The peer's hello verified: its connection leaves the pre-authentication limits (a sealed message is its tag longer). */
  private authenticated(ws: WebSocket, release: () => void = () => undefined): void {
    raisePayloadLimit(ws, LINK_MAX_PAYLOAD + FRAME_TAG_LENGTH);
    release();
  }

  /**
   * Who signs and checks the key exchange: this station's key (the one that
   * signed our hello), and the key the peer's hello verified under (its pin,
   * or where its rotations led from the pin).
   */
  private protectionParties(peer: string, keyText: string) {
    return { me: this.deps.me, peer, peerKey: parseVerifierKey(this.deps.crypto, keyText).publicKey, signer: this.deps.signer, crypto: this.deps.crypto };
  }

  private parties() {
    return { me: this.deps.me, signer: this.deps.signer, crypto: this.deps.crypto, pinned: this.pinned() };
  }

  /** Logs a refused handshake; `fromStranger` when anyone on the network could have caused it (the listener side). */
  private refused(e: unknown, context: Record<string, unknown>, msg: string, fromStranger: boolean): void {
    // A failed key exchange comes from a peer whose hello verified: never a stranger's doing.
    const kind = e instanceof HandshakeError ? e.kind : undefined;
    if (fromStranger && kind && !ALARMING.has(kind) && !(e instanceof ExchangeError)) {
      this.deps.logger?.debug({ ...context, reason: (e as Error).message }, msg);
    } else if (this.refusalsLogged < REFUSALS_LOGGED) {
      this.refusalsLogged++;
      this.deps.logger?.warn({ ...context, reason: (e as Error).message }, msg);
    } else {
      this.refusalsQuiet++;
    }
  }

  private dialLoop(peer: string): void {
    const state = this.peers.get(peer);
    if (!state || state.dialing || state.record.urls.length === 0) return;
    state.dialing = true;
    void (async () => {
      let failures = 0;
      // Quick retries across the endpoints, then back off to at most two seconds.
      const backOff = () => new Promise((r) => setTimeout(r, failures <= state.record.urls.length ? 50 : Math.min(2000, 100 * 2 ** Math.min(5, failures - state.record.urls.length))));
      while (!this.stopped && this.peers.get(peer) === state) {
        const existing = this.sessions.get(peer);
        if (existing) {
          await existing.closed;
          // A link that died rather than being replaced: try the next endpoint.
          if (!this.sessions.has(peer) && existing.role === 'dialer') state.urlIndex = (state.urlIndex + 1) % state.record.urls.length;
          // A session the peer closed before sending anything (it refused it: a key-exchange policy that differs) is a failed attempt, not a link.
          if (existing.confirmed) {
            failures = 0;
          } else {
            failures++;
            await backOff();
          }
          continue;
        }
        const url = state.record.urls[state.urlIndex % state.record.urls.length];
        try {
          const { ws, socket } = await dial(url, Math.max(1000, 2 * this.deps.heartbeatMs));
          try {
            const { peer: who, key, takeEarly } = await handshake(ws, socket, 'dialer', this.parties(), peer, undefined, () => this.authenticated(ws));
            const secured = await protectLink(ws, socket, 'dialer', this.exchange, this.protectionParties(who, key), takeEarly());
            this.adopt(who, 'dialer', url, ws, secured);
          } catch (e) {
            this.refused(e, { peer, url }, 'refused a link we dialed', false);
            // Tell the other end why, when it is our exchange that failed (it may otherwise only see the socket go).
            if (e instanceof ExchangeError) refuse(ws, CLOSE_REFUSED, e.message);
            else ws.terminate();
            throw e;
          }
        } catch {
          failures++;
          state.urlIndex = (state.urlIndex + 1) % state.record.urls.length;
          await backOff();
        }
      }
      state.dialing = false;
    })();
  }

  /** Keeps one session per peer: the one dialed by the party whose name sorts first, else the newest. */
  private adopt(peer: string, role: LinkRole, endpoint: string, ws: WebSocket, secured: Protected): void {
    const session = new PeerSession(peer, role, endpoint, ws, (s, m) => this.dispatch(s, m), (s, e) => {
      s.log?.warn({ reason: (e as Error).message }, 'link message failed');
    }, secured.takeEarly(), secured);
    session.log = this.deps.logger?.child({ link: session.id, peer });
    session.log?.info({ role, endpoint, protection: secured.protection }, 'link session opened');
    const existing = this.sessions.get(peer);
    if (existing?.isOpen) {
      const preferredDialer = [this.deps.me, peer].sort()[0];
      const dialerOf = (s: PeerSession) => (s.role === 'dialer' ? this.deps.me : peer);
      const keepExisting = dialerOf(existing) === preferredDialer && dialerOf(session) !== preferredDialer;
      if (keepExisting) {
        session.log?.info('duplicate link session closed; keeping the existing one');
        session.close(4009, 'duplicate link');
        return;
      }
      this.deps.replicator.close(existing);
      existing.close(4009, 'duplicate link');
    }
    this.sessions.set(peer, session);
    void this.deps.replicator.open(session).catch((e) => session.log?.warn({ reason: (e as Error).message }, 'link open failed'));
    void session.closed.then(() => {
      const how = session.closedWith;
      // A refusal, a frame that did not open or a spent key is worth a warning; the reason is the other end's or ours.
      if (how && (how.code === CLOSE_REFUSED || how.code === CLOSE_FRAME_NOT_OPEN || how.code === CLOSE_KEY_SPENT)) session.log?.warn({ code: how.code, reason: how.reason }, 'link session ended');
      else session.log?.info(how ?? {}, 'link session closed');
      this.deps.replicator.close(session);
      if (this.sessions.get(peer) === session) this.sessions.delete(peer);
      // A closed link is down now, not at the next status check: a failover
      // faster than that check would otherwise leave no "down" on the record.
      if (!this.stopped) void this.watched();
    });
  }

  /** Sends to a peer if its link is open now; signalling is not queued, a console simply retries. */
  sendTo(peer: string, message: LinkMessage): boolean {
    const session = this.sessions.get(peer);
    if (!session?.isOpen) return false;
    session.send(message);
    return true;
  }

  private dispatch(session: PeerSession, message: LinkMessage): Promise<void> {
    const r = this.deps.replicator;
    switch (message.t) {
      case 'lines': return r.onLines(session, message);
      case 'have': return r.onHave(session, message);
      case 'push': return r.onPush(session, message);
      case 'cosign': return r.onCosign(session, message);
      case 'signal':
        this.onSignal?.(session.peer, message);
        return Promise.resolve();
      case 'hello': return Promise.resolve();
    }
  }

  /** watch(), from a timer or an event: whatever it meets is logged, never an unhandled rejection. */
  private watched(): Promise<void> {
    return this.watch().catch((e) => this.deps.logger?.warn({ reason: (e as Error).message }, 'could not check the links'));
  }

  private async watch(): Promise<void> {
    const now = Date.now();
    for (const [peer, state] of this.peers) {
      const session = this.sessions.get(peer);
      const heard = linkStatus(!!session?.isOpen, session ? now - session.lastHeard : Infinity, this.deps.heartbeatMs);
      if (session && heard === 'down') session.terminate(); // silent: drop it so the dialer fails over
      // Up only once the peer has sent a message on the session (see PeerSession.confirmed).
      const status = session && !session.confirmed ? 'down' : heard;
      if (status !== state.status) {
        const previous = state.status;
        state.status = status;
        state.since = this.deps.clock();
        // The change is the link's, not the database's: a store that cannot record it now (a replica losing its
        // database) is logged, and the status still changes and is reported.
        await this.deps.store.addLinkEvent({ peer, time: state.since, status, endpoint: session?.endpoint ?? null, rttMs: session?.rttMs ?? null })
          .catch((e) => this.deps.logger?.warn({ peer, status, reason: (e as Error).message }, 'could not record a link status change'));
        const log = status === 'down' ? this.deps.logger?.warn.bind(this.deps.logger) : this.deps.logger?.info.bind(this.deps.logger);
        log?.({ peer, status, previous }, status === 'down' ? `ALARM: link to ${peer} is down` : `link to ${peer} is ${status}`);
        this.onStatus?.(peer, status, previous);
      }
    }
  }
}
