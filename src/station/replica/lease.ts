import pg from 'pg';
import type { Logger } from 'pino';

/** Who leads, as the lease row says. */
export interface Leader {
  epoch: number;
  holder: string;
  url: string;
}

/** What this replica is, as far as the lease knows. */
export type LeaseState =
  | { role: 'leader'; epoch: number; leader: Leader }
  | { role: 'follower'; leader: Leader | null };

export interface LeaseOptions {
  /** The PostgreSQL URL the station's store uses. */
  database: string;
  /** This replica's id: also the application_name of every connection it opens, so a successor can cut them all. */
  id: string;
  /** The URL other replicas pass writes on to while this one leads. */
  url: string;
  leaseMs: number;
  logger?: Logger;
}

/**
 * The leader's lease: one row in PostgreSQL (the `lease` table), held on a
 * connection of its own. Whoever holds it renews it every leaseMs/4; the
 * others poll and take it once it has expired by the database's clock, or
 * at once when the holder's lease connection is gone (a killed process's
 * backend disappears with its socket). Every take-over raises the epoch: the
 * store's commits check it (`fence`), so a leader that lost the lease
 * cannot write even before it notices. A successor also terminates every
 * backend the old holder still has (a stopped, not dead, process), so the
 * old leader's connections cannot finish anything started before the take-over.
 */
export class Lease {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private state: LeaseState = { role: 'follower', leader: null };
  /** When (monotonic ms) the last renewal that succeeded was sent: the lease runs from then, at the latest. */
  private renewedAt = 0;
  private readonly listeners = new Set<(state: LeaseState) => void>();
  private running?: Promise<void>;
  /** After giving the lease up, this replica does not take it again before then (monotonic ms). */
  private quietUntil = 0;

  constructor(private readonly options: LeaseOptions) {}

  get id(): string {
    return this.options.id;
  }

  /** This replica's role and the leader it knows (null: none known). */
  current(): LeaseState {
    return this.state;
  }

  /** The epoch this replica leads in, or null. */
  get epoch(): number | null {
    return this.state.role === 'leader' ? this.state.epoch : null;
  }

  /** Called on every change of role or of the known leader. */
  onChange(listener: (state: LeaseState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts taking part: the first look happens at once. */
  start(): void {
    this.schedule(0);
  }

  /** One look now (renew or try to take), for callers that must know before going on. */
  async tick(): Promise<LeaseState> {
    if (!this.running) this.running = this.look().finally(() => (this.running = undefined));
    await this.running;
    return this.state;
  }

  /** Stops; a leader gives the lease up so that a follower takes over at its next poll instead of after expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    const epoch = this.epoch;
    if (epoch !== null && this.client) {
      await this.client.query('UPDATE lease SET holder = NULL, expires_at = now() WHERE id = 1 AND epoch = $1 AND holder = $2', [epoch, this.options.id]).catch(() => undefined);
    }
    this.set({ role: 'follower', leader: null });
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** Gives the lease up (a leader that cannot lead after all) and goes on as a follower. */
  async release(): Promise<void> {
    const epoch = this.epoch;
    if (epoch === null) return;
    this.set({ role: 'follower', leader: null });
    // Another replica gets the first chance at it.
    this.quietUntil = performance.now() + this.options.leaseMs;
    const client = await this.connection().catch(() => undefined);
    await client?.query('UPDATE lease SET holder = NULL, expires_at = now() WHERE id = 1 AND epoch = $1 AND holder = $2', [epoch, this.options.id]).catch(() => undefined);
  }

  private get pollMs(): number {
    return Math.max(50, Math.min(250, Math.floor(this.options.leaseMs / 8)));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule(this.state.role === 'leader' ? Math.floor(this.options.leaseMs / 4) : this.pollMs));
    }, ms);
  }

  private async look(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.state.role === 'leader') await this.renew(this.state.epoch);
      else await this.tryTake();
    } catch (e) {
      this.dropConnection();
      if (this.state.role === 'leader') this.lose((e as Error).message);
      else if (this.state.leader) this.set({ role: 'follower', leader: null });
    }
  }

  private async renew(epoch: number): Promise<void> {
    // A process stopped past its lease (SIGSTOP, a long pause) must not renew what may already be someone else's.
    if (performance.now() - this.renewedAt > this.options.leaseMs) return this.lose('not renewed within the lease');
    const sent = performance.now();
    const client = await this.connection();
    const { rowCount } = await client.query(
      `UPDATE lease SET expires_at = now() + $3 * interval '1 millisecond', pid = pg_backend_pid(), url = $4
        WHERE id = 1 AND epoch = $1 AND holder = $2`,
      [epoch, this.options.id, this.options.leaseMs, this.options.url],
    );
    if (rowCount !== 1) return this.lose('another replica holds the lease');
    if (performance.now() - this.renewedAt > this.options.leaseMs) return this.lose('not renewed within the lease');
    this.renewedAt = sent;
  }

  private async tryTake(): Promise<void> {
    const client = await this.connection();
    const row = await this.read(client);
    if (!row) throw new Error('the lease table has no row: run hotline migrate');
    if (!row.free || performance.now() < this.quietUntil) {
      const leader = row.holder && row.url ? { epoch: Number(row.epoch), holder: row.holder, url: row.url } : null;
      if (leader?.holder === this.options.id) {
        // Our own row from a connection that broke: it expires, we do not lead.
        return this.set({ role: 'follower', leader: null });
      }
      return this.set({ role: 'follower', leader });
    }
    // The holder's lease lapsed: before taking it, cut whatever connections it still has, so that a transaction it
    // began (holding the lease row FOR SHARE) cannot block the take-over or finish after it.
    if (row.holder && row.holder !== this.options.id) await this.cut(client, row.holder);
    const sent = performance.now();
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(100, Math.floor(this.options.leaseMs / 2))}`);
      const again = await this.read(client, true);
      if (!again?.free) {
        await client.query('ROLLBACK');
        return;
      }
      const { rows } = await client.query<{ epoch: string }>(
        `UPDATE lease SET epoch = epoch + 1, holder = $1, url = $2, pid = pg_backend_pid(), expires_at = now() + $3 * interval '1 millisecond'
          WHERE id = 1 RETURNING epoch`,
        [this.options.id, this.options.url, this.options.leaseMs],
      );
      await client.query('COMMIT');
      const epoch = Number(rows[0].epoch);
      this.renewedAt = sent;
      this.options.logger?.info({ replica: this.options.id, epoch, previous: again.holder }, 'lease acquired');
      this.set({ role: 'leader', epoch, leader: { epoch, holder: this.options.id, url: this.options.url } });
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async read(client: pg.Client, lock = false) {
    const { rows } = await client.query<{ epoch: string; holder: string | null; url: string | null; free: boolean }>(
      `SELECT epoch, holder, url,
              (holder IS NULL OR expires_at IS NULL OR expires_at < now()
               OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = lease.pid)) AS free
         FROM lease WHERE id = 1${lock ? ' FOR UPDATE' : ''}`,
    );
    return rows[0];
  }

  /** Terminates every backend of a replica that lost the lease (real fencing for a process that is paused, not dead). */
  private async cut(client: pg.Client, holder: string): Promise<void> {
    const { rows } = await client.query<{ cut: boolean }>(
      'SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [holder],
    );
    if (rows.length > 0) this.options.logger?.warn({ replica: this.options.id, previous: holder, connections: rows.length }, 'cut the previous leader\'s database connections');
  }

  private lose(reason: string): void {
    if (this.state.role !== 'leader') return;
    this.options.logger?.warn({ replica: this.options.id, epoch: this.state.epoch, reason }, 'lease lost');
    this.set({ role: 'follower', leader: null });
  }

  private set(state: LeaseState): void {
    const before = this.state;
    this.state = state;
    const same = before.role === state.role && before.leader?.holder === state.leader?.holder && before.leader?.epoch === state.leader?.epoch && before.leader?.url === state.leader?.url;
    if (same) return;
    for (const l of this.listeners) l(state);
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.options.database,
        application_name: this.options.id,
        connectionTimeoutMillis: this.options.leaseMs,
        // A query the server or the network sits on counts as a failed renewal, not a hang.
        query_timeout: this.options.leaseMs,
        keepAlive: true,
      });
      client.on('error', () => this.dropConnection());
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private dropConnection(): void {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }
}
