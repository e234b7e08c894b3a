import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { certificateExpiry, type CertificatePaths } from './metrics/certificate-expiry.ts';
import { linkGauges, type LinkReadings } from './metrics/link-gauges.ts';

/**
 * Entry kinds counted by name; anything else a peer sends is counted as
 * `other`, so a peer cannot grow the label set without bound.
 */
const KINDS = new Set([
  'message', 'translation', 'ack', 'notice', 'notice.withdraw', 'conflict', 'check', 'check.missed', 'escalation',
  'call.request', 'call.accept', 'call.decline', 'call.unanswered', 'call.cancel', 'call.end',
  'readout', 'template', 'line.define', 'line.settings', 'line.test', 'line.test.reply',
]);
const ALARMS = new Set(['overdue', 'flash', 'immediate', 'call', 'call-missed', 'link', 'equivocation', 'recovery', 'deadline', 'check-missed', 'conflict', 'signalling', 'integrity']);

/** The scheduler's actions (DueAction types), and the sender's side of a passed deadline. */
const SCHEDULED = ['escalate', 'unanswered', 'check', 'check-missed', 'conflict', 'line-test-reply', 'sender-deadline'];

export const kindLabel = (kind: string): string => (KINDS.has(kind) ? kind : 'other');
export const alarmLabel = (kind: string): string => (ALARMS.has(kind) ? kind : 'other');

/**
 * Every metric the station exposes on /metrics. None carries a line id or a
 * member's name, and nothing done on a discreet line moves any of them: a
 * count per line, or a count that moves with a discreet line's traffic, would
 * tell whoever reads /metrics that the line exists and when it is busy. Link
 * readings are per peer: peers are the station's configuration, not a line's.
 */
export class StationMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'hotline_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status (requests on discreet or unknown lines are not counted)', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly requestSeconds = new Histogram({ name: 'hotline_http_request_duration_seconds', help: 'Time to answer HTTP requests, by method, route pattern and status (requests on discreet or unknown lines are not counted)', labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  readonly appends = new Counter({ name: 'hotline_entries_appended_total', help: 'Entries this station appended to its own logs, by entry kind (discreet lines left out)', labelNames: ['kind'], registers: [this.registry] });
  readonly received = new Counter({ name: 'hotline_entries_received_total', help: 'Entries of other parties\' logs received from peers and stored, by entry kind (discreet lines left out)', labelNames: ['kind'], registers: [this.registry] });
  readonly commitEntries = new Histogram({ name: 'hotline_commit_entries', help: 'Entries per group commit', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly alarms = new Counter({ name: 'hotline_alarms_raised_total', help: 'Alarms raised and stored, by kind (flash, immediate, call, call-missed, overdue, deadline, check-missed, conflict, link, equivocation, recovery, integrity, signalling; discreet lines left out)', labelNames: ['kind'], registers: [this.registry] });
  readonly alarmsAcknowledged = new Counter({ name: 'hotline_alarms_acknowledged_total', help: 'Alarms a person acknowledged, by kind (discreet lines left out)', labelNames: ['kind'], registers: [this.registry] });
  readonly acknowledgements = new Counter({ name: 'hotline_acknowledgements_total', help: 'Acknowledgements this station\'s members wrote, by what they acknowledge (message, notice, check; discreet lines left out)', labelNames: ['item'], registers: [this.registry] });
  readonly scheduled = new Counter({ name: 'hotline_scheduler_actions_total', help: 'What the scheduler did, by action: entries written (check, check-missed, escalate, unanswered, conflict, line-test-reply) and deadlines passed on messages this station sent (sender-deadline); discreet lines left out', labelNames: ['action'], registers: [this.registry] });

  constructor() {
    // Node's process metrics under their usual names, so stock dashboards work. Three of them are gauges named
    // *_total, which promtool rejects (a _total suffix means a counter); they are only the sums of the
    // per-type gauges beside them (nodejs_active_handles and so on), so they go.
    collectDefaultMetrics({ register: this.registry });
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    // Alerts fire on increase(): a series that first appears at 1 has no earlier sample, and its first alarm would
    // pass unseen. So the counters alerts watch exist at 0 from the start.
    for (const kind of ALARMS) this.alarms.inc({ kind }, 0);
    for (const action of SCHEDULED) this.scheduled.inc({ action }, 0);
    for (const item of ['message', 'notice', 'check']) this.acknowledgements.inc({ item }, 0);
  }

  /** The link readings, taken at each scrape from the links themselves. */
  readLinks(readings: () => LinkReadings): void {
    linkGauges(this.registry, readings);
  }

  /** The certificates' expiry, read from their files at each scrape (so a reload shows at once). */
  readCertificates(paths: CertificatePaths): void {
    certificateExpiry(this.registry, paths);
  }
}
