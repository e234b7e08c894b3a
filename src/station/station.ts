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
  readonly reader: LogReader;
  readonly metrics = new StationMetrics();
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
    this.appender = new Appender({ store: this.store, crypto: this.crypto, signer: this.identity.signer, party: this.identity.name, clock: this.clock });
    this.reader = new LogReader(this.store, this.crypto);
    this.appender.onCommit = (appended) => {
      const visible = appended.filter((a) => !this.discreetLines.has(a.line)).length;
      if (visible > 0) this.metrics.commitEntries.observe(visible);
    };
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
        const checked = await checkIntegrity(store, station.crypto);
        options.logger?.info({ ...checked, ms: Math.round(performance.now() - started) }, 'integrity check passed');
      }
      for (const line of await store.listLines()) if (line.discreet) station.discreetLines.add(line.id);
      await station.appender.load();
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
