import { lang, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { formatDuration, formatTime } from '../i18n/index.ts';
import { UptimePatterns } from './UptimeChart.tsx';
import { tickLabel, timeScale, timeTicks } from './scale.ts';
import { callStatuses as wireCallStatuses, type CallStatus } from '../../../src/wire/call-status.ts';
import type { ContactHistory } from '../../../src/wire/history.ts';
import './charts.css';

export type { CallStatus };

/** A call on the history timeline, as the station's contact history lists it. */
export type TimelineCall = ContactHistory['timeline'][number];

// The legend's order: calls that happened first, the one still ringing last. A Record, so a new status will not compile without a place.
const legendRank: Record<CallStatus, number> = { ended: 0, accepted: 1, declined: 2, unanswered: 3, cancelled: 4, ringing: 5 };
export const callStatuses: CallStatus[] = [...wireCallStatuses].sort((a, b) => legendRank[a] - legendRank[b]);

const WIDTH = 960;
const LEFT = 190;
const RIGHT = 24;
const TOP = 12;
const LANE = 46;
const AXIS = 34;

/** The mark for a call's status, drawn around (0, 0): a shape as well as a colour. */
export function StatusMark({ status, width = 24 }: { status: CallStatus; width?: number }) {
  switch (status) {
    case 'ended':
      return <rect class="tl-ended" x={0} y={-8} width={width} height={16} rx={2} />;
    case 'accepted':
      return <rect class="tl-accepted" x={0} y={-8} width={width} height={16} rx={2} />;
    case 'declined':
      return <path class="tl-declined" d="M-6,-6L6,6M-6,6L6,-6" />;
    case 'unanswered':
      return <circle class="tl-unanswered" r={6.5} />;
    case 'cancelled':
      return <path class="tl-cancelled" d="M-7,0H7" />;
    default:
      return <path class="tl-ringing" d="M0,-7L7,0L0,7L-7,0Z" />;
  }
}

export function StatusLegend() {
  return (
    <ul class="chart-legend" aria-label={t('history:timeline.legend')}>
      {callStatuses.map((s) => (
        <li key={s}>
          <svg width="30" height="20" viewBox={s === 'ended' || s === 'accepted' ? '-3 -10 30 20' : '-15 -10 30 20'} aria-hidden="true" focusable="false">
            <StatusMark status={s} />
          </svg>
          <span>{t(`history:status.${s}`)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The charts' fill patterns, once for the page (legends and charts refer to them). */
export function ChartDefs() {
  return (
    <svg class="chart-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
      <pattern id="tl-live" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#d7eadb" />
        <line x1="4" y1="0" x2="4" y2="8" stroke="#1b6e2a" stroke-width="3" />
      </pattern>
      <UptimePatterns />
      </defs>
    </svg>
  );
}

export function describeCall(c: TimelineCall): string {
  const who = `${c.from} (${c.party}) → ${c.to ?? t('history:anyone')} (${c.toParty})`;
  const parts = [t(`history:status.${c.status}`), formatTime(c.time, zone.value), who];
  if (c.durationMs !== null) parts.push(t('history:duration', { duration: formatDuration(c.durationMs) }));
  if (c.reason) parts.push(t('history:reason', { reason: c.reason }));
  return parts.join(' — ');
}

/** One mark per call placed in the period, one lane per direction (caller's party → callee's party). */
export function CallTimeline({ calls, from, to, now, lanes }: { calls: TimelineCall[]; from: number; to: number; now: number; lanes: string[][] }) {
  const height = TOP + lanes.length * LANE + AXIS;
  const x = timeScale(from, to, LEFT, WIDTH - RIGHT);
  const { ticks, step } = timeTicks(from, to, 7);
  const laneOf = (c: TimelineCall) => Math.max(0, lanes.findIndex(([a, b]) => a === c.party && b === c.toParty));
  // Calls too close to tell apart are moved apart along their lane (in order, at least GAP px from the one before,
  // and back from the right edge if that runs over), and step up and down as well: every call stays a mark of its
  // own. Their exact times are in each mark's title and the table below.
  const GAP = 12;
  const offsets: number[] = [];
  const xs: number[] = calls.map((c) => x(c.time));
  const byLane = new Map<number, number[]>();
  calls.forEach((c, i) => byLane.set(laneOf(c), [...(byLane.get(laneOf(c)) ?? []), i]));
  for (const members of byLane.values()) {
    const order = [...members].sort((a, b) => xs[a] - xs[b]);
    for (let j = 1; j < order.length; j++) xs[order[j]] = Math.max(xs[order[j]], xs[order[j - 1]] + GAP);
    const over = xs[order.at(-1)!] - (WIDTH - RIGHT - 4);
    if (over > 0) for (let j = order.length - 1; j >= 0; j--) xs[order[j]] = Math.min(xs[order[j]] - (j === order.length - 1 ? over : 0), j < order.length - 1 ? xs[order[j + 1]] - GAP : Infinity);
  }
  const last = new Map<number, { x: number; k: number }>();
  calls.forEach((c, i) => {
    const lane = laneOf(c);
    const prev = last.get(lane);
    const k = prev && xs[i] - prev.x < 2 * GAP ? (prev.k + 1) % 3 : 0;
    last.set(lane, { x: xs[i], k });
    offsets.push([0, -12, 12][k]);
  });
  const counts = Object.fromEntries(callStatuses.map((s) => [s, calls.filter((c) => c.status === s).length]));
  const label = t('history:timeline.label', {
    count: calls.length,
    summary: callStatuses.filter((s) => counts[s] > 0).map((s) => `${t(`history:status.${s}`)}: ${counts[s]}`).join(', ') || '—',
  });
  return (
    <svg class="call-timeline" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label} data-testid="call-timeline">
      {lanes.map(([a, b], i) => (
        <g key={`${a}-${b}`} transform={`translate(0, ${TOP + i * LANE})`}>
          <rect class="tl-lane" x={LEFT} y={2} width={WIDTH - LEFT - RIGHT} height={LANE - 4} />
          <text class="tl-lane-label" x={LEFT - 10} y={LANE / 2} text-anchor="end" dominant-baseline="central">{`${a} → ${b}`}</text>
        </g>
      ))}
      {ticks.map((tick) => (
        <g key={tick} transform={`translate(${x(tick)}, 0)`}>
          <line class="tl-grid" y1={TOP} y2={TOP + lanes.length * LANE + 4} />
          <text class="tl-tick" y={TOP + lanes.length * LANE + 20} text-anchor="middle">{tickLabel(tick, step, zone.value, lang.value)}</text>
        </g>
      ))}
      {calls.map((c, i) => {
        const cx = xs[i];
        const cy = TOP + laneOf(c) * LANE + LANE / 2 + offsets[i];
        const end = c.status === 'ended' && c.durationMs !== null ? c.time + c.durationMs : c.status === 'accepted' ? now : c.time;
        const width = Math.max(4, Math.min(WIDTH - RIGHT, x(end)) - cx);
        return (
          <g key={c.call} class="timeline-mark" data-status={c.status} data-call={c.call} transform={`translate(${cx}, ${cy})`}>
            <title>{describeCall(c)}</title>
            <StatusMark status={c.status} width={width} />
          </g>
        );
      })}
    </svg>
  );
}
