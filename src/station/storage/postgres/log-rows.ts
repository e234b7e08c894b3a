import type pg from 'pg';
import type { LogId } from '../store.ts';

export type Queryable = Pick<pg.ClientBase, 'query'>;
export const logKey = (log: LogId) => `${log.line}\n${log.party}`;

/**
 * The `log` table's rows by line and party: ids, creation and locking. An id
 * never changes once its row is committed, so committed ids are cached; a
 * row created inside a transaction is cached only once that transaction has
 * committed (`remember`), since a rolled-back row's id names nothing.
 */
export class LogRows {
  private readonly known = new Map<string, number>();

  /**
   * Ids of these logs, creating the missing ones. Rows this call creates go
   * into `created` (the caller's transaction's, for `remember` after COMMIT);
   * without `created` the statement is its own transaction and they are cached at once.
   */
  async ids(c: Queryable, logs: LogId[], created?: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing = new Map<string, LogId>();
    for (const log of logs) {
      const key = logKey(log);
      const id = this.known.get(key) ?? created?.get(key);
      if (id !== undefined) out.set(key, id);
      else missing.set(key, log);
    }
    if (missing.size === 0) return out;
    const lines = [...missing.values()].map((l) => l.line);
    const parties = [...missing.values()].map((l) => l.party);
    const inserted = await c.query('INSERT INTO log (line_id, party) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (line_id, party) DO NOTHING RETURNING id', [lines, parties]);
    const ours = new Set(inserted.rows.map((r) => r.id as number));
    // A separate statement: it sees rows another process committed meanwhile, which the INSERT skipped.
    const { rows } = await c.query('SELECT l.id, l.line_id, l.party FROM log l JOIN unnest($1::text[], $2::text[]) AS w(line_id, party) ON l.line_id = w.line_id AND l.party = w.party', [lines, parties]);
    for (const r of rows) {
      const key = logKey({ line: r.line_id, party: r.party });
      out.set(key, r.id);
      if (ours.has(r.id) && created) created.set(key, r.id);
      else this.known.set(key, r.id);
    }
    return out;
  }

  /** Caches the ids of rows created by a transaction that has now committed. */
  remember(created: Map<string, number>): void {
    for (const [key, id] of created) this.known.set(key, id);
  }

  /**
   * Locks these logs' rows (creating missing ones, into `created`) for the
   * rest of the transaction, in id order so two commits cannot deadlock;
   * returns their ids and stored sizes, the latest committed.
   */
  async lock(c: Queryable, logs: LogId[], created: Map<string, number>): Promise<Map<string, { id: number; size: number }>> {
    const ids = await this.ids(c, logs, created);
    const { rows } = await c.query('SELECT id, line_id, party, size FROM log WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[...new Set(ids.values())]]);
    const out = new Map<string, { id: number; size: number }>();
    for (const r of rows) out.set(logKey({ line: r.line_id, party: r.party }), { id: r.id, size: r.size });
    return out;
  }
}
