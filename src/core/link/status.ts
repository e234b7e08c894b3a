export type LinkStatus = 'up' | 'degraded' | 'down';

/**
 * A link's status from what its heartbeats say. Silent for three intervals is
 * down (the line-test rule); late by half an interval is degraded.
 */
export function linkStatus(connected: boolean, sinceHeardMs: number, intervalMs: number): LinkStatus {
  if (!connected || sinceHeardMs > 3 * intervalMs) return 'down';
  if (sinceHeardMs > 1.5 * intervalMs) return 'degraded';
  return 'up';
}

/** Fraction of [from, to) the link was up, given its status changes in time order. */
export function uptime(changes: Array<{ time: number; status: LinkStatus }>, initial: LinkStatus, from: number, to: number): number {
  if (to <= from) return 0;
  let status = initial;
  let at = from;
  let up = 0;
  for (const change of changes) {
    if (change.time >= to) break;
    if (change.time > at) {
      if (status !== 'down') up += change.time - at;
      at = change.time;
    }
    status = change.status;
  }
  if (status !== 'down') up += to - at;
  return up / (to - from);
}
