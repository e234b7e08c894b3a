/** Altitude in metres; both ends belong to the band, so bands that only touch still conflict. */
export interface AltitudeBand {
  lower: number;
  upper: number;
}

/** Milliseconds since the epoch, [start, end): a window ending at t and one starting at t hand over cleanly. */
export interface TimeWindow {
  start: number;
  end: number;
}

// An inverted band or an empty window holds nothing, so it meets nothing;
// checkNotice rejects them before they get here.

export function bandsOverlap(a: AltitudeBand, b: AltitudeBand): boolean {
  if (a.lower > a.upper || b.lower > b.upper) return false;
  return a.lower <= b.upper && b.lower <= a.upper;
}

export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  if (a.start >= a.end || b.start >= b.end) return false;
  return a.start < b.end && b.start < a.end;
}

/** 2000-01-01T00:00:00Z: no notice window starts before it (a window in seconds rather than milliseconds lands in January 1970). */
export const WINDOW_EARLIEST = 946_684_800_000;
/** 2100-01-01T00:00:00Z: no notice window ends after it. */
export const WINDOW_LATEST = 4_102_444_800_000;

/**
 * Why a window is not one a station files; null when it is. The range catches
 * times written in the wrong unit and numbers meant to mean "for ever", which
 * would otherwise conflict with every later notice.
 */
export function windowProblem(w: TimeWindow): string | null {
  if (w.start < WINDOW_EARLIEST || w.start > WINDOW_LATEST) return `window.start ${w.start} is outside 2000-01-01 .. 2100-01-01 (times are milliseconds since 1970-01-01T00:00Z)`;
  if (w.end < WINDOW_EARLIEST || w.end > WINDOW_LATEST) return `window.end ${w.end} is outside 2000-01-01 .. 2100-01-01 (times are milliseconds since 1970-01-01T00:00Z)`;
  if (w.end <= w.start) return 'window.end must be after window.start';
  return null;
}
