import { lang, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { formatTime } from '../i18n/index.ts';
import { HOUR, tickLabel, timeScale } from './scale.ts';
import { linkStates, type LinkState, type LinkStatus } from '../../../src/wire/link-status.ts';
import type { LinkEvent } from '../../../src/wire/link.ts';
import './charts.css';

export type { LinkEvent, LinkStatus };
/** A peer's link over the chart's window: its status now and its changes (from /v1/links and a link's history). */
export interface PeerUptime { peer: string; status: LinkState; since: number | null; uptime24h: number | null; recorded24h: number; events: LinkEvent[] }
export interface Segment { start: number; end: number; status: LinkState }

const WIDTH = 960;
const LEFT = 190;
const RIGHT = 24;
const ROW = 40;
const TOP = 8;
const AXIS = 30;
const states: readonly LinkState[] = linkStates;

/**
 * The link's status over [from, to) from its status changes: the last
 * change before `from` gives the status at the start; with none, it is
 * unknown until the first change (or the link's current status if that
 * started before the window).
 */
export function segments(p: PeerUptime, from: number, to: number): Segment[] {
  const events = [...p.events].sort((a, b) => a.time - b.time);
  let status: Segment['status'] = 'unknown';
  for (const e of events) if (e.time <= from) status = e.status;
  const inside = events.filter((e) => e.time > from && e.time < to);
  if (status === 'unknown' && inside.length === 0 && p.since !== null && p.since <= from) status = p.status;
  const out: Segment[] = [];
  let start = from;
  for (const e of inside) {
    if (e.status === status) continue;
    if (e.time > start) out.push({ start, end: e.time, status });
    start = e.time;
    status = e.status;
  }
  out.push({ start, end: to, status });
  return out;
}

export function UptimePatterns() {
  return (
    <>
      <pattern id="up-degraded" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#f3e3cc" />
        <line x1="4" y1="0" x2="4" y2="8" stroke="#8a4b00" stroke-width="3" />
      </pattern>
      <pattern id="up-down" patternUnits="userSpaceOnUse" width="8" height="8">
        <rect width="8" height="8" fill="#b00020" />
        <path d="M0,0L8,8M8,0L0,8" stroke="#fff" stroke-width="1.2" />
      </pattern>
      <pattern id="up-unknown" patternUnits="userSpaceOnUse" width="8" height="8">
        <rect width="8" height="8" fill="#eef0f2" />
        <circle cx="4" cy="4" r="1.2" fill="#4a5560" />
      </pattern>
    </>
  );
}

export function UptimeLegend() {
  return (
    <ul class="chart-legend" aria-label={t('history:uptime.legend')}>
      {states.map((s) => (
        <li key={s}>
          <svg width="30" height="18" viewBox="0 0 30 18" aria-hidden="true" focusable="false">
            <rect class={`up-seg up-${s}`} x="1" y="1" width="28" height="16" />
          </svg>
          <span>{t(`history:link.${s}`)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Each peer's link over the last 24 hours: up, degraded, down (colour, pattern, and the words in the legend and title). */
export function UptimeChart({ peers, now }: { peers: PeerUptime[]; now: number }) {
  const from = now - 24 * HOUR;
  const x = timeScale(from, now, LEFT, WIDTH - RIGHT);
  const height = TOP + peers.length * ROW + AXIS;
  const ticks: number[] = [];
  for (let tick = Math.ceil(from / (3 * HOUR)) * 3 * HOUR; tick <= now; tick += 3 * HOUR) ticks.push(tick);
  const pct = (v: number | null) => (v === null ? '—' : new Intl.NumberFormat(lang.value, { style: 'percent', maximumFractionDigits: 1 }).format(v));
  // Uptime is said of the recorded part only, and the part with no record is said too: "up 100%" of ten minutes is not a day's uptime.
  const upText = (p: PeerUptime) => (p.recorded24h >= 0.995 ? pct(p.uptime24h) : t('history:uptime.ofRecorded', { uptime: pct(p.uptime24h), recorded: pct(p.recorded24h) }));
  const label = t('history:uptime.label', { summary: peers.map((p) => t('history:uptime.peer', { peer: p.peer, uptime: upText(p), status: t(`history:link.${p.status}`) })).join('; ') });
  return (
    <svg class="uptime-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label} data-testid="uptime-chart">
      {peers.map((p, i) => (
        <g key={p.peer} transform={`translate(0, ${TOP + i * ROW})`} data-peer={p.peer}>
          <text class="tl-lane-label" x={LEFT - 10} y={ROW / 2 - 7} text-anchor="end" dominant-baseline="central">{p.peer}</text>
          <text class="tl-sub-label" x={LEFT - 10} y={ROW / 2 + 9} text-anchor="end" dominant-baseline="central">{p.recorded24h >= 0.995 ? t('history:uptime.short', { uptime: pct(p.uptime24h) }) : p.recorded24h > 0 ? t('history:uptime.shortPartial', { uptime: pct(p.uptime24h), recorded: pct(p.recorded24h) }) : t('history:uptime.noRecord')}</text>
          {segments(p, from, now).map((s) => (
            <rect key={s.start} class={`up-seg up-${s.status}`} data-status={s.status} x={x(s.start)} y={6} width={Math.max(1, x(s.end) - x(s.start))} height={ROW - 12}>
              <title>{`${t(`history:link.${s.status}`)}: ${formatTime(s.start, zone.value)} – ${formatTime(s.end, zone.value)}`}</title>
            </rect>
          ))}
        </g>
      ))}
      {ticks.map((tick) => (
        <g key={tick} transform={`translate(${x(tick)}, 0)`}>
          <line class="tl-grid" y1={TOP} y2={TOP + peers.length * ROW + 4} />
          <text class="tl-tick" y={TOP + peers.length * ROW + 20} text-anchor="middle">{tickLabel(tick, 3 * HOUR, zone.value, lang.value)}</text>
        </g>
      ))}
    </svg>
  );
}
