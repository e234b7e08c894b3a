import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { nodeCrypto } from '../node/crypto.ts';
import type { Crypto } from '../core/crypto.ts';
import { Appender } from './appender.ts';
import { Auth } from './auth.ts';
import { readConfig, type StationConfig } from './config.ts';
import { identityOf, type Identity } from './identity.ts';
import { openKeySource, type KeySource } from './keys/key-source.ts';
import { PqKeyFile } from './keys/pq-key.ts';
import { recordedRotations, resumeRekey, type RekeyParts } from './keys/rekey.ts';
import { StoredLogKeys } from './keys/stored-log-keys.ts';
import { knownRevocations } from './keys/revocations.ts';
import { PeerKeys } from './link/peer-keys.ts';
import { startupCheck, type StartupCheck } from './startup-check.ts';
import { LogReader } from './log-reader.ts';
import { Transcripts } from './transcript.ts';
import { Replicator } from './link/replicator.ts';
import type { Links } from './link/links.ts';
import { alarmLabel, kindLabel, StationMetrics } from './metrics.ts';
import { certificateFiles } from './tls-certificate.ts';
import { openStore } from './storage/open-store.ts';
import type { LogId, Store } from './storage/store.ts';
import type { Entry } from '../core/entry.ts';
import { Feed, type FeedEvent } from './feed.ts';
import type { LiveAlarm } from '../wire/live-event.ts';
import type { LinkStatus } from '../core/link/status.ts';
import { LineStates } from './line-states.ts';
import { entryEvents, liveEvents } from './live-events.ts';
import type { LineState } from '../core/line-state/state.ts';
import { HotlineError } from '../core/errors.ts';
import { CallSignals } from './call-signals.ts';
import { SignIn } from './sign-in/sign-in.ts';
import { replicated } from './replica/replica.ts';
import { Alarms } from './alarms.ts';
import { Presence } from './presence.ts';
import { Watch } from './watch.ts';

/** Tries at presenting what entries changed while the database is unreachable (about 20 s in all, backing off to 2 s). */
const PRESENT_ATTEMPTS = 14;

export interface StationParts {
  config: StationConfig;
  identity: Identity;
  store: Store;
  /** Where the station's keys live, for key rotation (a station without one cannot rotate). */
  keys?: KeySource;
  /** The station directory (a rotation leaves the new key's revocation statement there). */
  dir?: string;
  /** The station's ML-DSA-44 key file (station.mldsa.key), for the post-quantum lines on checkpoints and receipts. */
  pqKeys?: PqKeyFile;
  clock?: () => number;
  logger?: Logger;
}

/** One party's station, assembled: what the API, the CLI and tests all drive. */
export class Station {
  readonly config: StationConfig;
  readonly identity: Identity;
  readonly store: Store;
  /** Where the station's keys live (station.key, the next key during a rotation, retired keys). */
  readonly keys?: KeySource;
  readonly dir?: string;
  readonly pqKeys?: PqKeyFile;
  /** Which key signed which entry of each stored log. */
  readonly logKeys: StoredLogKeys;
  /** Peers' keys as the link follows them (rotations, offered keys). */
  readonly peerKeys: PeerKeys;
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
  /** What the watch must not miss, stored: raised, acknowledged by a person, cleared when the cause goes. */
  readonly alarms: Alarms;
  /** Who is at the terminal, and what of it the lines hear. */
  readonly presence: Presence;
  /** Who holds the watch, and who held it when. */
  readonly watch: Watch;
  /** The start-up integrity check's runner: on-demand and background full re-checks. */
  integrity?: StartupCheck;
  /** Whether this process writes: a single station always, a replica once it leads (see lead()). */
  leading = false;
  /** On a follower: how many entries of each log its state holds, as the change feed told it. */
  following?: (log: LogId) => number;
  /** Live events derived from entries (each replica derives its own); every other kind the leader announces to the replicas. */
  private readonly derived = new WeakSet<FeedEvent>();

  constructor(parts: StationParts) {
    this.config = parts.config;
    this.identity = parts.identity;
    this.store = parts.store;
    this.keys = parts.keys;
    this.dir = parts.dir;
    this.pqKeys = parts.pqKeys;
    // Read at each signature: a rotation swaps the key. Off unless `pqSignatures: true`: pure-JS ML-DSA costs milliseconds per commit and receipt.
    const pq = () => (this.config.pqSignatures ? this.pqKeys?.current()?.signer : undefined);
    this.logKeys = new StoredLogKeys(this.store, this.crypto);
    this.clock = parts.clock ?? Date.now;
    this.peerKeys = new PeerKeys({ store: this.store, crypto: this.crypto, clock: this.clock, logger: parts.logger });
    this.identity.signer.peerKeys = this.peerKeys;
    this.logger = parts.logger;
    this.auth = new Auth(this.store, this.clock);
    this.signIn = new SignIn({ store: this.store, auth: this.auth, clock: this.clock, station: this.identity.name, sessionHours: () => this.config.sessionHours });
    this.replicator = new Replicator({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, me: this.identity.name, myKeys: () => this.identity.signer.known(), keys: this.logKeys, clock: this.clock, logger: this.logger,
      rotated: (party, from, to) => this.peerKeys.followed(party, from, to),
      pq,
      events: {
        received: (log, entries) => {
          if (!this.discreetLines.has(log.line)) for (const e of entries) this.metrics.received.inc({ kind: kindLabel(e.kind) });
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
        recovering: (line, peer, held, shown) => this.events.emit('alarm', {
          kind: 'recovery', line, party: this.name,
          detail: `${peer} holds ${shown} entries of this station's log, this station ${held}: entries were lost here; recovering before writing`,
        }),
        recovered: (report) => this.events.emit('recovered', report),
      },
    });
    this.appender = new Appender({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, party: this.identity.name, clock: this.clock,
      seen: (line) => this.replicator.seen(line),
      pq,
    });
    this.lineStates = new LineStates({ store: this.store, me: this.identity.name, held: (log: LogId) => this.held(log), logger: this.logger });
    this.presence = new Presence({
      store: this.store, appender: this.appender, clock: this.clock, me: this.identity.name,
      state: async (line) => (await this.lineStates.get(line)) ?? undefined,
    });
    this.watch = new Watch(this.store, this.clock);
    this.alarms = new Alarms({
      store: this.store, feed: this.feed, clock: this.clock, logger: this.logger,
      state: async (line) => (await this.lineStates.get(line)) ?? undefined,
      leading: () => this.leading,
      counted: (what, alarm) => {
        // An alarm on a discreet line is the line's members' to see (the feed), not the metrics'.
        if (alarm.line && this.discreetLines.has(alarm.line)) return;
        (what === 'raised' ? this.metrics.alarms : this.metrics.alarmsAcknowledged).inc({ kind: alarmLabel(alarm.kind) });
      },
    });
    this.events.on('alarm', (alarm: LiveAlarm) => this.alarms.found(alarm));
    this.metrics.readLinks(() => (this.links?.readings() ?? []).map((r) => ({
      ...r, backlog: this.replicator.backlog(r.peer, (line) => !this.discreetLines.has(line), this.clock()),
    })));
    this.events.on('link', (change: { peer: string; status: LinkStatus; previous?: LinkStatus }) => {
      this.feed.publish({ type: 'link', ...change });
      this.alarms.link(change.peer, change.status, change.previous);
    });
    this.reader = new LogReader(this.store, this.crypto);
    this.transcripts = new Transcripts(this.store);
    this.appender.listeners.push((appended, checkpoints) => {
      const visible = appended.filter((a) => !this.discreetLines.has(a.line));
      if (visible.length > 0) this.metrics.commitEntries.observe(visible.length);
      for (const a of visible) this.metrics.appends.inc({ kind: kindLabel(a.entry.kind) });
      const lines = new Map<string, number>();
      for (const a of appended) lines.set(a.line, a.seq + 1);
      for (const [line, size] of lines) {
        const mine = appended.filter((a) => a.line === line);
        this.replicator.noteOwnAppend(line, size, { start: mine[0].seq, entries: mine.map((a) => a.bytes), checkpoint: checkpoints.find((c) => c.line === line) });
        void this.replicator.announce({ line, party: this.name });
        this.folded(line, mine.map((a) => a.entry));
      }
      this.events.emit('appended', appended);
    });
  }

  /**
   * How many entries of a log this process has folded into its state: the
   * replicator's count where it writes, the change feed's on a follower.
   */
  held(log: LogId): number {
    return this.following ? this.following(log) : this.replicator.size(log);
  }

  /** Whether a live event came from entries (derived on every replica) rather than from the leader's own doings. */
  derivedFromEntries(event: FeedEvent): boolean {
    return this.derived.has(event);
  }

  /**
   * Folds new entries into their line's state and tells consoles what
   * changed: entries this station wrote or received, or, on a follower,
   * entries the change feed says another replica stored. The entries'
   * own events go out at once; what they changed is presented after the
   * receipts are read, and that read is tried again while the database is
   * unreachable (a blip must not silently drop a message's new state).
   */
  folded(line: string, entries: Entry[]): void {
    const folded = this.lineStates.fold(line, entries);
    this.events.emit('folded', line, entries);
    if (folded) this.alarms.folded(folded, entries);
    else void this.lineStates.get(line).then((s) => s && this.alarms.folded(s, entries), () => undefined);
    if (this.feed.size === 0) return;
    for (const event of entryEvents(line, entries)) this.told(event);
    void this.changed(line, entries, folded)
      .catch((e) => this.logger?.warn({ reason: (e as Error).message, line, entries: entries.length }, 'could not publish what new entries changed'));
  }

  private async changed(line: string, entries: Entry[], folded: LineState | undefined): Promise<void> {
    for (let attempt = 1, wait = 100; ; attempt++, wait = Math.min(wait * 2, 2000)) {
      try {
        // A line not loaded yet (just joined) loads from the store, which already holds these entries.
        const state = folded ?? (await this.lineStates.get(line));
        if (!state) return;
        const receipts = new Map<string, Map<string, number>>();
        for (const p of state.line.parties) receipts.set(p.name, await this.store.cosignedSizes({ line, party: p.name }));
        for (const event of liveEvents(state, entries, (party) => receipts.get(party) ?? new Map(), this.clock())) this.told(event);
        return;
      } catch (e) {
        if (!(e instanceof HotlineError && e.code === 'unavailable') || attempt >= PRESENT_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
  }

  /** Publishes a live event derived from entries (each replica derives its own, so none is announced to the others). */
  private told(event: FeedEvent): void {
    this.derived.add(event);
    this.feed.publish(event);
  }

  get name(): string {
    return this.identity.name;
  }

  /**
   * Opens the station in `dir` on its database, checking its logs first as
   * configured (or as told). A station on SQLite is alone and loads its
   * writing parts at once; a replica on PostgreSQL opens as a follower and
   * loads them only when its lease says it leads (lead()).
   */
  static async open(dir: string, options: { logger?: Logger; check?: boolean; replica?: string; clock?: () => number } = {}): Promise<Station> {
    const config = readConfig(dir);
    const keys = openKeySource(dir, config);
    const identity = identityOf(config.name, keys.current());
    identity.signer.retire(keys.retired?.() ?? []);
    const store = await openStore(dir, config, {
      applicationName: options.replica,
      onError: (e) => options.logger?.warn({ reason: (e as Error).message }, 'database connection trouble (reconnecting)'),
    });
    const station = new Station({ config, identity, store, keys, dir, pqKeys: new PqKeyFile(dir, config.name), logger: options.logger, clock: options.clock });
    station.metrics.readCertificates({ ...(config.plainHttp ? {} : { api: certificateFiles(dir, config).cert }), link: join(dir, 'tls.crt') });
    try {
      station.integrity = await startupCheck({
        store, crypto: station.crypto, me: identity.name, logger: options.logger,
        mode: options.check === false ? 'none' : options.check === true ? 'full' : config.startupCheck,
        onAlarm: (a) => station.events.emit('alarm', { kind: a.kind, detail: a.detail }),
      });
      for (const line of await store.listLines()) if (line.discreet) station.discreetLines.add(line.id);
      if (!replicated(config.database)) await station.lead(null);
    } catch (e) {
      await station.integrity?.stop();
      await store.close();
      throw e;
    }
    return station;
  }

  /**
   * Makes this process the writer: loads the appender's log heads and the
   * replicator's sizes from the store. On a replica, `epoch` is the lease's:
   * the store refuses every commit once another replica has taken the lease
   * (a higher epoch), so a leader that lost it cannot write.
   */
  async lead(epoch: number | null): Promise<void> {
    if (epoch !== null) {
      if (!('fence' in this.store)) throw new Error('this store cannot be fenced: replicas need PostgreSQL');
      (this.store as Store & { fence: number | null }).fence = epoch;
    }
    await this.appender.load();
    this.identity.signer.rotations = (await recordedRotations(this.store)).map((r) => r.statement);
    await this.peerKeys.load();
    // A key change a crash interrupted is finished before anything else is signed.
    const rekey = this.rekeyParts();
    if (rekey) {
      const finished = await resumeRekey(rekey);
      if (finished) this.logger?.warn({ logs: finished.length, key: this.identity.vkey }, 'finished a key change that was under way when the station stopped');
    }
    // The logs say which key signs next: a key file from before the last rotation (an old copy, another replica's) must not sign after it.
    const rotatedTo = this.identity.signer.rotatedTo;
    const replaced = async () => (await knownRevocations(this.store)).some((r) => r.party === this.name && r.replacement === this.identity.vkey);
    if (rotatedTo !== undefined && rotatedTo !== this.identity.vkey && !(await replaced())) {
      throw new HotlineError('integrity', `this station's key file holds ${this.identity.vkey}, but its logs were rotated to another key: put the current station key in place (on replicas, copy it from the one that rotated)`);
    }
    await this.replicator.load();
    // From here the replicator counts what the state holds; a follower's last catch-up left the two equal.
    this.following = undefined;
    this.leading = true;
  }

  /** What a key change needs (keys/rekey.ts), or undefined for a station without a key source. */
  rekeyParts(): RekeyParts | undefined {
    return this.keys && { store: this.store, crypto: this.crypto, appender: this.appender, key: this.identity.signer, keys: this.keys, pq: this.pqKeys };
  }

  async close(): Promise<void> {
    await this.integrity?.stop();
    await this.lineStates.save();
    await this.store.close();
  }
}
