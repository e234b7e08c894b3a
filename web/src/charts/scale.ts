// Small helpers shared by the charts: a linear time scale and tick choice.

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

const steps = [15 * 60_000, 30 * 60_000, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

export function timeScale(from: number, to: number, x0: number, x1: number): (t: number) => number {
  const span = Math.max(1, to - from);
  return (t) => x0 + ((t - from) / span) * (x1 - x0);
}

/** Tick times between from and to, at most about `max` of them, on round steps. */
export function timeTicks(from: number, to: number, max = 8): { ticks: number[]; step: number } {
  const span = Math.max(1, to - from);
  const step = steps.find((s) => span / s <= max) ?? steps.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

/** A short label for a tick in the member's zone and language. */
export function tickLabel(t: number, step: number, zone: string, locale: string): string {
  const options: Intl.DateTimeFormatOptions = step < DAY ? { hour: '2-digit', minute: '2-digit' } : step < 365 * DAY ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short' };
  if (step < DAY && step >= 6 * HOUR) Object.assign(options, { day: 'numeric', month: 'short' });
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(t);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(t);
  }
}
