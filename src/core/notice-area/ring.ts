// Plane geometry of one notice ring on the lon/lat cylinder, shared by the
// validity checks (shape.ts) and the overlap test (overlap.ts). RFC 7946 makes
// an edge the straight line between its positions in longitude/latitude, so a
// ring is a plane figure once its longitudes are made continuous.

export type Ring = number[][];

/**
 * Makes longitudes continuous: a step of more than 180° between neighbours is
 * read as crossing the antimeridian the short way. `winds` is set when the
 * ring comes back 360° off where it began, i.e. it went round a pole.
 */
export function unwrapped(ring: Ring): { ring: Ring; winds: boolean } {
  const out: Ring = [];
  let offset = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i];
    // +180 and -180 are one meridian, so a step between them would cross
    // nothing; such an edge is the RFC's straight line across the whole map
    // (a band, or a polar cap drawn edge to edge), kept as it is.
    if (i > 0 && !(Math.abs(lon) === 180 && Math.abs(ring[i - 1][0]) === 180)) {
      const previous = out[i - 1][0];
      while (lon + offset - previous > 180) offset -= 360;
      while (lon + offset - previous < -180) offset += 360;
    }
    out.push([lon + offset, lat]);
  }
  const winds = out.length > 0 && Math.abs(out[out.length - 1][0] - out[0][0]) > 180;
  return { ring: out, winds };
}

/** The ring without repeated neighbours (a double click in a drawing tool), still closed. */
export function withoutRepeats(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/** Twice the signed area (shoelace), in square degrees; positive when counter-clockwise. */
export function signedArea2(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

function cross(o: number[], a: number[], b: number[]): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function within(a: number, b: number, x: number): boolean {
  return Math.min(a, b) <= x && x <= Math.max(a, b);
}

function onSegment(p: number[], q: number[], x: number[]): boolean {
  return within(p[0], q[0], x[0]) && within(p[1], q[1], x[1]);
}

/**
 * How two segments meet: not at all, at a single point, or along a stretch of
 * both (collinear and overlapping). Exact on the input numbers: the checks
 * that use it refuse shapes, so they must not guess.
 */
export function segmentsMeet(p1: number[], p2: number[], q1: number[], q2: number[]): 'none' | 'point' | 'overlap' {
  if (Math.max(p1[0], p2[0]) < Math.min(q1[0], q2[0]) || Math.max(q1[0], q2[0]) < Math.min(p1[0], p2[0])) return 'none';
  if (Math.max(p1[1], p2[1]) < Math.min(q1[1], q2[1]) || Math.max(q1[1], q2[1]) < Math.min(p1[1], p2[1])) return 'none';
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (d1 === 0 && d2 === 0) {
    // Collinear: compare the two as intervals along the axis they span most.
    const axis = Math.abs(p2[0] - p1[0]) + Math.abs(q2[0] - q1[0]) >= Math.abs(p2[1] - p1[1]) + Math.abs(q2[1] - q1[1]) ? 0 : 1;
    const shared = Math.min(Math.max(p1[axis], p2[axis]), Math.max(q1[axis], q2[axis])) - Math.max(Math.min(p1[axis], p2[axis]), Math.min(q1[axis], q2[axis]));
    return shared < 0 ? 'none' : shared === 0 ? 'point' : 'overlap';
  }
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 'point';
  if ((d1 === 0 && onSegment(q1, q2, p1)) || (d2 === 0 && onSegment(q1, q2, p2))) return 'point';
  if ((d3 === 0 && onSegment(p1, p2, q1)) || (d4 === 0 && onSegment(p1, p2, q2))) return 'point';
  return 'none';
}

/** Even-odd test; a point on the boundary counts as inside. */
export function ringHolds(ring: Ring, [x, y]: number[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i + 1 < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (cross([xj, yj], [xi, yi], [x, y]) === 0 && onSegment([xj, yj], [xi, yi], [x, y])) return true;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
