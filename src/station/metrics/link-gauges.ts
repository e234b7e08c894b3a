import { Gauge, type Registry } from 'prom-client';
import type { LinkStatus } from '../../core/link/status.ts';

export interface LinkReading {
  peer: string;
  status: LinkStatus;
  /** The last heartbeat's round trip; null before the first pong or without an open link. */
  rttMs: number | null;
  /** Entries waiting for the peer on shared non-discreet lines, and since when the oldest has waited; undefined without an open link. */
  backlog?: { entries: number; waitingSince: number | null };
}

export type LinkReadings = LinkReading[];

const STATUSES: readonly LinkStatus[] = ['up', 'degraded', 'down'];

/**
 * Per-peer link gauges, read from the links at scrape time rather than kept
 * up to date: a reading cannot go stale or be forgotten on some path. Peers
 * are named by their party name, which the station's pins already name; no
 * line appears.
 */
export function linkGauges(registry: Registry, readings: () => LinkReadings): void {
  new Gauge({
    name: 'hotline_link_status', help: 'Link to each pinned peer: 1 for its current status (up, degraded, down), 0 for the others', labelNames: ['peer', 'status'], registers: [registry],
    collect() {
      this.reset();
      for (const r of readings()) for (const s of STATUSES) this.set({ peer: r.peer, status: s }, r.status === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hotline_link_rtt_seconds', help: 'Round trip of the last heartbeat on each peer\'s link (absent while no pong has come back)', labelNames: ['peer'], registers: [registry],
    collect() {
      this.reset();
      for (const r of readings()) if (r.rttMs !== null) this.set({ peer: r.peer }, r.rttMs / 1000);
    },
  });
  new Gauge({
    name: 'hotline_link_backlog_entries', help: 'Entries this station holds that the peer has not yet said it holds, on shared non-discreet lines (absent while the link is down)', labelNames: ['peer'], registers: [registry],
    collect() {
      this.reset();
      for (const r of readings()) if (r.backlog) this.set({ peer: r.peer }, r.backlog.entries);
    },
  });
  new Gauge({
    name: 'hotline_link_delivery_lag_seconds', help: 'How long the oldest entry waiting for the peer has waited (0 when nothing waits; absent while the link is down)', labelNames: ['peer'], registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const r of readings()) if (r.backlog) this.set({ peer: r.peer }, r.backlog.waitingSince === null ? 0 : Math.max(0, now - r.backlog.waitingSince) / 1000);
    },
  });
}
