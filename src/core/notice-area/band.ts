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
