import { ringHolds, segmentsMeet, signedArea2, unwrapped, withoutRepeats, type Ring } from './ring.ts';

// Whether a polygon is a region at all. A bow-tie (a ring that crosses
// itself) or a ring with no area has no agreed inside: overlap tests would
// answer by accident, and two stations' maps would draw different things.
// Rules, on the lon/lat plane RFC 7946 draws edges in:
// - each ring has at least three distinct corners and encloses some area;
// - no ring crosses or touches itself (neighbouring edges meet only at their
//   shared corner, and never run back along each other);
// - the rings of one polygon neither cross nor touch, every hole lies inside
//   the exterior ring and no hole lies inside another.
// A ring that goes round a pole has no inside on the plane; it is read as the
// whole polar cap (overlap.ts) and only its positions are checked.

/** Less than this (twice the area, in square degrees: about a square metre at the equator) is no area. */
const NO_AREA = 1e-10;

interface Edge {
  ring: number;
  index: number;
  a: number[];
  b: number[];
  west: number;
  east: number;
}

const at = ([lon, lat]: number[]) => `[${lon}, ${lat}]`;

/** Why the rings of one polygon do not make a region; null when they do. `where` names the polygon in messages. */
export function polygonShapeProblem(rawRings: Ring[], where: string): string | null {
  const rings = rawRings.map(withoutRepeats);
  for (let r = 0; r < rings.length; r++) {
    if (rings[r].length < 4) return `${where}[${r}]: a ring needs at least 3 different corners`;
  }
  const shell = unwrapped(rings[0]);
  if (shell.winds) return null;
  const placed: Ring[] = [shell.ring];
  const middle = (Math.min(...shell.ring.map((p) => p[0])) + Math.max(...shell.ring.map((p) => p[0]))) / 2;
  for (let r = 1; r < rings.length; r++) {
    const hole = unwrapped(rings[r]);
    if (hole.winds) return `${where}[${r}]: a hole cannot go round a pole`;
    // The same placement overlap.ts uses: the copy of the hole nearest the shell.
    const lons = hole.ring.map((p) => p[0]);
    const dx = 360 * Math.round((middle - (Math.min(...lons) + Math.max(...lons)) / 2) / 360);
    placed.push(dx === 0 ? hole.ring : hole.ring.map(([lon, lat]) => [lon + dx, lat]));
  }

  const crossing = firstCrossing(placed);
  if (crossing) {
    const { e, f, how } = crossing;
    if (e.ring !== f.ring) return `${where}: rings ${e.ring} and ${f.ring} cross or touch near ${at(e.b)}; holes must lie apart from the exterior ring and from each other`;
    if (how === 'overlap' && adjacent(e, f, placed[e.ring].length - 1)) return `${where}[${e.ring}]: the ring doubles back on itself at ${at(sharedCorner(e, f))}, enclosing no area there`;
    return `${where}[${e.ring}]: the ring crosses or touches itself (edges ${at(e.a)}–${at(e.b)} and ${at(f.a)}–${at(f.b)}); draw it as a simple ring, or as several polygons`;
  }
  for (let r = 0; r < placed.length; r++) {
    if (Math.abs(signedArea2(placed[r])) < NO_AREA) return `${where}[${r}]: the ring encloses no area (its corners lie on one line or on one point)`;
  }
  for (let r = 1; r < placed.length; r++) {
    if (!ringHolds(placed[0], placed[r][0])) return `${where}[${r}]: the hole lies outside the exterior ring`;
    for (let s = 1; s < placed.length; s++) {
      if (s !== r && ringHolds(placed[s], placed[r][0])) return `${where}[${r}]: the hole lies inside hole ${s}`;
    }
  }
  return null;
}

function adjacent(e: Edge, f: Edge, edges: number): boolean {
  const d = Math.abs(e.index - f.index);
  return d === 1 || d === edges - 1;
}

function sharedCorner(e: Edge, f: Edge): number[] {
  return e.b === f.a || (e.b[0] === f.a[0] && e.b[1] === f.a[1]) ? e.b : e.a;
}

/**
 * The first pair of edges that meet where they must not. Edges are swept in
 * order of their west end, so only edges whose longitudes overlap are compared.
 */
function firstCrossing(rings: Ring[]): { e: Edge; f: Edge; how: 'point' | 'overlap' } | null {
  const edges: Edge[] = [];
  rings.forEach((ring, r) => {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i];
      const b = ring[i + 1];
      edges.push({ ring: r, index: i, a, b, west: Math.min(a[0], b[0]), east: Math.max(a[0], b[0]) });
    }
  });
  edges.sort((x, y) => x.west - y.west);
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    for (let j = i + 1; j < edges.length && edges[j].west <= e.east; j++) {
      const f = edges[j];
      const how = segmentsMeet(e.a, e.b, f.a, f.b);
      if (how === 'none') continue;
      // Neighbours in one ring always share their corner; that alone is fine.
      if (e.ring === f.ring && adjacent(e, f, rings[e.ring].length - 1) && how === 'point') continue;
      return { e, f, how };
    }
  }
  return null;
}
