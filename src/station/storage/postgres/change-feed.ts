import pg from 'pg';
import type { StoreChange } from '../store.ts';

/** The one NOTIFY channel every Hotline process on a database talks on. */
export const CHANNEL = 'hotline';

/** A notification's payload: a change and the process that made it (so that process can ignore its own). */
export type Notice = { from: string } & (StoreChange | { kind: 'broadcast'; id: number });

const SETUP_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * Hears other processes' changes on one dedicated connection doing LISTEN.
 * A lost connection (the server restarted, the backend was terminated, the
 * network dropped) never reaches the process as an error: the feed reconnects
 * with backoff and then emits a `gap`, since whatever was sent meanwhile is
 * gone and readers must re-read positions. A heartbeat finds a connection
 * that went silent without closing.
 */
export class ChangeFeed {
  private client: pg.Client | null = null;
  private started = false;
  private stopped = false;
  private listening = false;
  private missed = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  // Changes are delivered in the order they were sent, even when one must be fetched from `broadcast`.
  private delivery: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly self: string,
    private readonly sink: (change: StoreChange) => void,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly heartbeatMs = 5000,
  ) {}

  /** Starts listening; idempotent. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect();
  }

  /** Resolves once LISTEN is in place: changes committed after this are heard. */
  ready(): Promise<void> {
    this.start();
    if (this.listening || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get isListening(): boolean {
    return this.listening;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.listening = false;
    for (const w of this.waiters.splice(0)) w();
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload !== undefined) this.heard(client, n.payload);
    });
    // A server that accepts the connection and then says nothing (a network gone silent) must not stall the feed for good.
    const setup = setTimeout(() => this.silenced(client, 'the change feed could not start listening'), SETUP_TIMEOUT_MS);
    setup.unref();
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      this.lost(client, e);
      return;
    } finally {
      clearTimeout(setup);
    }
    if (this.client !== client) {
      client.end().catch(() => {}); // stopped (or replaced) while connecting
      return;
    }
    this.listening = true;
    this.retryMs = RETRY_MIN_MS;
    this.heartbeat = setInterval(() => this.beat(client), this.heartbeatMs);
    this.heartbeat.unref();
    if (this.missed) {
      this.missed = false;
      this.deliver(() => this.emit({ kind: 'gap' }));
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private beat(client: pg.Client): void {
    // No answer to a trivial query: the connection is dead without having said so.
    const silent = setTimeout(() => this.silenced(client, 'the change feed connection stopped answering'), this.heartbeatMs);
    silent.unref();
    client.query('SELECT 1').then(() => clearTimeout(silent), () => clearTimeout(silent));
  }

  private silenced(client: pg.Client, why: string): void {
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    this.lost(client, new Error(why));
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    client.end().catch(() => {});
    if (this.stopped) return;
    if (error) this.onError(error);
    this.missed = true;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private heard(client: pg.Client, payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return; // not ours: something else talking on the channel
    }
    if (!notice || typeof notice !== 'object' || typeof notice.kind !== 'string' || notice.from === this.self) return;
    const { from: _from, ...change } = notice;
    if (change.kind !== 'broadcast') {
      this.deliver(() => this.emit(change as StoreChange));
      return;
    }
    const id = change.id;
    this.deliver(async () => {
      try {
        const { rows } = await client.query('SELECT payload FROM broadcast WHERE id = $1', [id]);
        if (rows.length === 0) return this.emit({ kind: 'gap' }); // already swept: it was missed
        const full = JSON.parse(rows[0].payload) as Notice;
        if (full.from === this.self) return;
        const { from: _f, ...inner } = full;
        this.emit(inner as StoreChange);
      } catch {
        this.emit({ kind: 'gap' });
      }
    });
  }

  private deliver(step: () => void | Promise<void>): void {
    this.delivery = this.delivery.then(step).catch((e) => this.onError(e));
  }

  private emit(change: StoreChange): void {
    try {
      this.sink(change);
    } catch (e) {
      this.onError(e);
    }
  }
}
