import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How a cut looks to the two ends:
 * - `reset`: every connection is reset at once and new ones are reset as
 *   soon as they arrive (a circuit that drops hard; both ends notice at once);
 * - `blackhole`: connections stay open but nothing crosses, and new ones are
 *   accepted and never answered (a circuit that goes silent; only heartbeats
 *   notice). On restore, connections held through a blackhole are reset.
 */
export type CutMode = 'reset' | 'blackhole';

/**
 * A TCP proxy on loopback that forwards every connection to one target port
 * and can cut the circuit on demand. Its own port never changes, so a station
 * pinned to it keeps the same address while the target restarts.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream?: Socket }>();
  private mode: CutMode | null = null;
  /** Connections accepted over the proxy's life, and how many a cut reset. */
  accepted = 0;
  resets = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly targetPort: number,
    readonly targetHost: string,
  ) {}

  static async start(targetPort: number, options: { host?: string; port?: number; targetHost?: string } = {}): Promise<TcpProxy> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port, targetPort, options.targetHost ?? '127.0.0.1');
    server.on('connection', (client) => proxy.onConnection(client));
    return proxy;
  }

  get isCut(): boolean {
    return this.mode !== null;
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Cuts the circuit: see CutMode. Cutting an already cut proxy changes nothing. */
  cut(mode: CutMode = 'reset'): void {
    if (this.mode) return;
    this.mode = mode;
    for (const pair of [...this.pairs]) {
      if (mode === 'reset') this.drop(pair);
      else {
        // Stop carrying bytes either way; what is already in flight is lost with the circuit.
        if (pair.upstream) {
          pair.client.unpipe(pair.upstream);
          pair.upstream.unpipe(pair.client);
          pair.upstream.pause();
        }
        pair.client.pause();
      }
    }
  }

  /** Lets connections through again. Connections held silent through a blackhole are reset. */
  restore(): void {
    if (!this.mode) return;
    const was = this.mode;
    this.mode = null;
    if (was === 'blackhole') for (const pair of [...this.pairs]) this.drop(pair);
  }

  async close(): Promise<void> {
    this.mode = 'reset';
    for (const pair of [...this.pairs]) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: Socket): void {
    this.accepted++;
    const pair: { client: Socket; upstream?: Socket } = { client };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    // Through a blackhole not even a close gets across: the other end learns of it on restore.
    client.once('close', (hadError) => this.mode !== 'blackhole' && this.drop(pair, hadError));
    if (this.mode === 'reset') return this.drop(pair);
    if (this.mode === 'blackhole') return; // accepted, paused, never answered
    const upstream = connect({ port: this.targetPort, host: this.targetHost });
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.once('close', (hadError) => this.mode !== 'blackhole' && this.drop(pair, hadError));
    upstream.once('connect', () => {
      if (this.mode || !this.pairs.has(pair)) return;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  /**
   * Ends a connection on both sides: hard (an RST, what a broken circuit or a
   * refused connection looks like) for cuts and errors, gracefully when one
   * end simply closed (the pipe has already passed its FIN on).
   */
  private drop(pair: { client: Socket; upstream?: Socket }, hard = true): void {
    if (!this.pairs.delete(pair)) return;
    if (this.mode) this.resets++;
    for (const s of [pair.client, pair.upstream]) {
      if (!s || s.destroyed) continue;
      if (!hard) {
        s.end();
        setTimeout(() => s.destroy(), 1000).unref();
      // A socket whose write side has already ended cannot be reset (EINVAL): Node would then drop the handle unclosed and never exit.
      } else if (typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening' && !s.writableEnded) s.resetAndDestroy();
      else s.destroy();
    }
  }
}
