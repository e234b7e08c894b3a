import type { Position } from './types.ts';
import { parsePosition } from '../../../src/wire/coordinates.ts';

// Typed coordinates (no d3 here: the Notices tab's form loads before the map).

/** Positions typed one per line, latitude first (decimal or degrees-minutes-seconds); the bad line's number when one is not. */
export function parsePositions(text: string): { positions: Position[] } | { badLine: number } {
  const positions: Position[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const p = parsePosition(line);
    if (!p) return { badLine: i + 1 };
    positions.push(p);
  }
  return { positions };
}

/**
 * A closed GeoJSON ring from the vertices, anticlockwise as RFC 7946 asks
 * (the station does not insist, other GIS tools may).
 */
export function closedRing(vertices: Position[]): Position[] {
  const open = vertices.length > 1 && vertices[0][0] === vertices.at(-1)![0] && vertices[0][1] === vertices.at(-1)![1] ? vertices.slice(0, -1) : [...vertices];
  let twice = 0;
  for (let i = 0; i < open.length; i++) {
    const [x1, y1] = open[i];
    const [x2, y2] = open[(i + 1) % open.length];
    twice += x1 * y2 - x2 * y1;
  }
  const ring = twice < 0 ? open.reverse() : open;
  return [...ring, ring[0]];
}

export function formatCoordinate(n: number): string {
  return String(Math.round(n * 10_000) / 10_000);
}
