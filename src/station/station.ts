import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { nodeCrypto } from '../node/crypto.ts';
import type { Crypto } from '../core/crypto.ts';
import { Appender } from './appender.ts';
import { Auth } from './auth.ts';
import { readConfig, type StationConfig } from './config.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { checkIntegrity } from './integrity-check.ts';
import { LogReader } from './log-reader.ts';
import { Transcripts } from './transcript.ts';
import { Replicator } from './link/replicator.ts';
import type { Links } from './link/links.ts';
import { StationMetrics } from './metrics.ts';
import { SqliteStore } from './storage/sqlite/sqlite-store.ts';
import type { LogId, Store } from './storage/store.ts';
import type { Entry } from '../core/entry.ts';
import { Feed } from './feed.ts';
import { LineStates } from './line-states.ts';
import { liveEvents } from './live-events.ts';
import { CallSignals } from './call-signals.ts';
import { SignIn } from './sign-in/sign-in.ts';

export interface StationParts {
  config: StationConfig;
  identity: Identity;
  store: Store;
  clock?: () => number;
  logger?: Logger;
}

/** One party's station, assembled: what the API, the CLI and tests all drive. */
export class Station {
  readonly config: StationConfig;
  readonly identity: Identity;
  readonly store: Store;
  readonly crypto: Crypto = nodeCrypto;
  readonly clock: () => number;
  readonly auth: Auth;
  /** Passwords, second factors, the throttle and lockouts, the sign-in policy and the security log. */
  readonly signIn: SignIn;
  readonly appender: Appender;
  readonly replicator: Replicator;
  /** Set while serving: the links to peer stations. */
  links?: Links;
  /** Station-wide happenings (entries, receipts, link changes, alarms) for live views and tests. */
  readonly events = new EventEmitter();
  readonly reader: LogReader;
  readonly metrics = new StationMetrics();
  readonly transcripts: Transcripts;
  readonly logger?: Logger;
  /** Ids of discreet lines, so counters and logs can leave them out without a database read. */
  readonly discreetLines = new Set<string>();
  /** Live events for consoles, authorised per member by the event stream. */
  readonly feed = new Feed();
  /** Each line's folded state: messages, calls, notices, checks. */
  readonly lineStates: LineStates;
  /** WebRTC signalling between the two sides of a call. */
  readonly signals = new CallSignals(this);

  constructor(parts: StationParts) {
    this.config = parts.config;
    this.identity = parts.identity;
    this.store = parts.store;
    this.clock = parts.clock ?? Date.now;
    this.logger = parts.logger;
    this.auth = new Auth(this.store, this.clock);
    this.signIn = new SignIn({ store: this.store, auth: this.auth, clock: this.clock, station: this.identity.name, sessionHours: () => this.config.sessionHours });
    this.replicator = new Replicator({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, me: this.identity.name, myKey: this.identity.vkey, clock: this.clock, logger: this.logger,
      events: {
        received: (log, entries) => {
          this.folded(log.line, entries);
          this.events.emit('received', log, entries);
        },
        equivocation: (log, detail) => this.events.emit('alarm', { kind: 'equivocation', line: log.line, party: log.party, detail }),
        cosigned: (log, cosigner, size) => {
          this.events.emit('cosigned', log, cosigner, size);
          this.feed.publish({ type: 'delivery', line: log.line, need: 'read', party: log.party, cosigner, size });
        },
        joined: (line) => {
          if (line.discreet) this.discreetLines.add(line.id);
        },
      },
    });
    this.appender = new Appender({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, party: this.identity.name, clock: this.clock,
      seen: (line) => this.replicator.seen(line),
    });
    this.lineStates = new LineStates({ store: this.store, me: this.identity.name, held: (log: LogId) => this.replicator.size(log) });
    this.events.on('alarm', (alarm: { line?: string; kind: string }) => this.feed.publish({ type: 'alarm', line: alarm.line, need: 'read', alarm }));
    this.events.on('link', (change: Record<string, unknown>) => this.feed.publish({ type: 'link', ...change }));
    this.reader = new LogReader(this.store, this.crypto);
    this.transcripts = new Transcripts(this.store);
    this.appender.listeners.push((appended) => {
      const visible = appended.filter((a) => !this.discreetLines.has(a.line)).length;
      if (visible > 0) this.metrics.commitEntries.observe(visible);
      const lines = new Map<string, number>();
      for (const a of appended) lines.set(a.line, a.seq + 1);
      for (const [line, size] of lines) {
        this.replicator.noteOwnAppend(line, size);
        void this.replicator.announce({ line, party: this.name });
        this.folded(line, appended.filter((a) => a.line === line).map((a) => a.entry));
      }
      this.events.emit('appended', appended);
    });
  }

  /** Folds new entries into their line's state and tells consoles what changed. */
  private folded(line: string, entries: Entry[]): void {
    const folded = this.lineStates.fold(line, entries);
    this.events.emit('folded', line, entries);
    if (this.feed.size === 0) return;
    void (async () => {
      // A line not loaded yet (just joined) loads from the store, which already holds these entries.
      const state = folded ?? (await this.lineStates.get(line));
      if (!state) return;
      const receipts = new Map<string, Map<string, number>>();
      for (const p of state.line.parties) receipts.set(p.name, await this.store.cosignedSizes({ line, party: p.name }));
      for (const event of liveEvents(state, entries, (party) => receipts.get(party) ?? new Map(), this.clock())) this.feed.publish(event);
    })().catch((e) => this.logger?.warn({ reason: (e as Error).message }, 'could not publish live events'));
  }

  get name(): string {
    return this.identity.name;
  }

  /** Opens the station in `dir` on its SQLite database, checking every log first unless told not to. */
  static async open(dir: string, options: { logger?: Logger; check?: boolean } = {}): Promise<Station> {
    const config = readConfig(dir);
    const identity = loadIdentity(join(dir, config.keyFile));
    const store = new SqliteStore(join(dir, config.database));
    const station = new Station({ config, identity, store, logger: options.logger });
    try {
      if (options.check ?? config.startupCheck === 'full') {
        const started = performance.now();
        const checked = await checkIntegrity(store, station.crypto, identity.name);
        options.logger?.info({ ...checked, ms: Math.round(performance.now() - started) }, 'integrity check passed');
      }
      for (const line of await store.listLines()) if (line.discreet) station.discreetLines.add(line.id);
      await station.appender.load();
      await station.replicator.load();
    } catch (e) {
      await store.close();
      throw e;
    }
    return station;
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
