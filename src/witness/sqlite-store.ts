import type Database from 'better-sqlite3';
import { openDatabase } from '../station/storage/sqlite/open-database.ts';
import { witnessSchema } from './schema.ts';
import type { Evidence, KnownLog, WitnessedState, WitnessStore } from './store.ts';

type Row = Record<string, any>;

/**
 * better-sqlite3 with WAL and synchronous=FULL, as in the station: advance()
 * is on disk when it returns, so no cosignature ever leaves the witness for a
 * state it could forget in a crash.
 */
export class SqliteWitnessStore implements WitnessStore {
  readonly db: Database.Database;
  private readonly s: Record<string, Database.Statement>;

  constructor(path: string) {
    // `hotline witness log add` may write while the service runs: openDatabase sets a busy timeout.
    this.db = openDatabase(path, witnessSchema);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      log: p('SELECT * FROM log WHERE origin = ?'),
      logs: p('SELECT * FROM log ORDER BY origin'),
      keys: p('SELECT vkey FROM log_key WHERE origin = ? ORDER BY vkey'),
      addLog: p('INSERT OR IGNORE INTO log (origin, added_at) VALUES (?, ?)'),
      addKey: p('INSERT OR IGNORE INTO log_key (origin, vkey) VALUES (?, ?)'),
      removeKey: p('DELETE FROM log_key WHERE origin = ? AND vkey = ?'),
      addRotation: p('INSERT INTO key_rotation (origin, statement, rotated_at) VALUES (?, ?, ?)'),
      // `root IS ?` also matches NULL = NULL, the state before the first cosignature.
      advance: p('UPDATE log SET size = ?, root = ?, note = ?, cosigned_at = ? WHERE origin = ? AND size = ? AND root IS ?'),
      addEvidence: p('INSERT INTO evidence (origin, received_at, reason, request) VALUES (?, ?, ?, ?)'),
      evidenceCount: p('SELECT count(*) AS n FROM evidence WHERE origin = ?'),
    };
  }

  log(origin: string): KnownLog | null {
    const r = this.s.log.get(origin) as Row | undefined;
    return r ? this.toLog(r) : null;
  }

  logs(): KnownLog[] {
    return (this.s.logs.all() as Row[]).map((r) => this.toLog(r));
  }

  pinKey(origin: string, vkey: string, now: number): boolean {
    return this.db.transaction(() => {
      this.s.addLog.run(origin, now);
      return this.s.addKey.run(origin, vkey).changes === 1;
    })();
  }

  rotateKey(origin: string, old: string, next: string, statement: string, now: number): void {
    this.db.transaction(() => {
      this.s.addKey.run(origin, next);
      this.s.removeKey.run(origin, old);
      this.s.addRotation.run(origin, statement, now);
    })();
  }

  advance(origin: string, from: Pick<WitnessedState, 'size' | 'root'>, to: WitnessedState): boolean {
    const info = this.s.advance.run(to.size, to.root, to.note, to.cosignedAt, origin, from.size, from.root);
    return info.changes === 1;
  }

  recordEvidence(e: Evidence): void {
    this.s.addEvidence.run(e.origin, e.receivedAt, e.reason, e.request);
  }

  evidenceCount(origin: string): number {
    return (this.s.evidenceCount.get(origin) as Row).n as number;
  }

  close(): void {
    this.db.close();
  }

  private toLog(r: Row): KnownLog {
    return {
      origin: r.origin,
      keys: (this.s.keys.all(r.origin) as Row[]).map((k) => k.vkey as string),
      size: r.size,
      root: r.root ? new Uint8Array(r.root) : null,
      note: r.note ?? null,
      cosignedAt: r.cosigned_at,
    };
  }
}
