import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// No metric carries a line id or party label: a count per line would reveal
// that a discreet line exists and when it is busy.
export class StationMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'hotline_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly appends = new Counter({ name: 'hotline_entries_appended_total', help: 'Entries appended to this station\'s own logs on non-discreet lines', registers: [this.registry] });
  readonly commitEntries = new Histogram({ name: 'hotline_commit_entries', help: 'Entries per group commit', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
