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
import type { Store } from './storage/store.ts';

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

  constructor(parts: StationParts) {
    this.config = parts.config;
    this.identity = parts.identity;
    this.store = parts.store;
    this.clock = parts.clock ?? Date.now;
    this.logger = parts.logger;
    this.auth = new Auth(this.store, this.clock);
    this.replicator = new Replicator({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, me: this.identity.name, myKey: this.identity.vkey, clock: this.clock, logger: this.logger,
      events: {
        received: (log, entries) => this.events.emit('received', log, entries),
        equivocation: (log, detail) => this.events.emit('alarm', { kind: 'equivocation', line: log.line, party: log.party, detail }),
        cosigned: (log, cosigner, size) => this.events.emit('cosigned', log, cosigner, size),
        joined: (line) => {
          if (line.discreet) this.discreetLines.add(line.id);
        },
      },
    });
    this.appender = new Appender({
      store: this.store, crypto: this.crypto, signer: this.identity.signer, party: this.identity.name, clock: this.clock,
      seen: (line) => this.replicator.seen(line),
    });
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
      }
      this.events.emit('appended', appended);
    });
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
