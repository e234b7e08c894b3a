import { booleanIntersects } from '@turf/boolean-intersects';
import { circle } from '@turf/circle';
import { distance } from '@turf/distance';
import { degreesToRadians, lengthToRadians, radiansToDegrees } from '@turf/helpers';
import type { CircleArea, MultiPolygonArea, NoticeArea, PolygonArea } from './area.ts';
import { unwrapped, type Ring } from './ring.ts';

// How areas are read. RFC 7946 §3.1.1 makes a GeoJSON edge the straight line
// between its positions in longitude/latitude, not a great circle, so every
// polygon here is a plane figure on the lon/lat cylinder (longitude wraps,
// latitude does not). Circles are exact on the sphere (haversine distance) and
// are replaced by a polygon only to meet a polygon, always one drawn outside the
// circle. Touching counts: a false alarm costs a phone call, a missed conflict
// can cost far more.

/** A polygon whose rings never jump across ±180; its west edge lies in [-180, 180). */
interface FlatPolygon {
  rings: Ring[];
  west: number;
  east: number;
  south: number;
  north: number;
}

const CIRCLE_STEPS = 64;
// Vertices at r / cos(π/n) make each chord tangent to the circle, which on a
// plane would just contain it. The lon/lat picture of a spherical circle is a
// little bent; measured, the chords dip up to 0.3% inside the radius for circles
// that stay below POLAR_LATITUDE, so 1% more covers that with room to spare.
const CIRCLE_GROWTH = 1.01 / Math.cos(Math.PI / CIRCLE_STEPS);
const POLAR_LATITUDE = 80;
// Slack on the shift arithmetic so rounding cannot skip a copy that touches.
const SHIFT_SLACK = 1e-9;

function bounded(rings: Ring[]): FlatPolygon {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const ring of rings) {
    for (const [lon, lat] of ring) {
      if (lon < west) west = lon;
      if (lon > east) east = lon;
      if (lat < south) south = lat;
      if (lat > north) north = lat;
    }
  }
  return { rings, west, east, south, north };
}

function shifted(rings: Ring[], dx: number): Ring[] {
  return dx === 0 ? rings : rings.map((ring) => ring.map(([lon, lat]) => [lon + dx, lat]));
}

function normalised(polygon: FlatPolygon): FlatPolygon {
  const turns = Math.floor((polygon.west + 180) / 360);
  return turns === 0 ? polygon : bounded(shifted(polygon.rings, -360 * turns));
}

function rectangle(west: number, south: number, east: number, north: number): FlatPolygon {
  return normalised(bounded([[[west, south], [east, south], [east, north], [west, north], [west, south]]]));
}

/**
 * A ring that goes round a pole has no inside on the lon/lat plane. Limitation:
 * it is taken as the whole cap from its farthest latitude to the pole on its own
 * side of the equator, which holds the area the author most likely meant.
 */
function polarCap(ring: Ring): FlatPolygon {
  const lats = ring.map(([, lat]) => lat);
  const mean = lats.reduce((sum, lat) => sum + lat, 0) / lats.length;
  return mean >= 0 ? rectangle(-180, Math.min(...lats), 180, 90) : rectangle(-180, -90, 180, Math.max(...lats));
}

function flattened(rings: Ring[]): FlatPolygon {
  const outer = unwrapped(rings[0]);
  if (outer.winds) return polarCap(outer.ring);
  const shell = bounded([outer.ring]);
  const middle = (shell.west + shell.east) / 2;
  const holes: Ring[] = [];
  for (const ring of rings.slice(1)) {
    const hole = unwrapped(ring);
    // Dropping a hole we cannot place only grows the area, which is the safe side.
    if (hole.winds) continue;
    const box = bounded([hole.ring]);
    const dx = 360 * Math.round((middle - (box.west + box.east) / 2) / 360);
    holes.push(shifted([hole.ring], dx)[0]);
  }
  return normalised(bounded([outer.ring, ...holes]));
}

function polygonsOf(area: PolygonArea | MultiPolygonArea): Ring[][] {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

/** A polygon certain to contain the circle, in the same flat terms as the other polygons. */
function flatCircle(disc: CircleArea): FlatPolygon {
  const [lon, lat] = disc.coordinates;
  const radius = disc.radius * CIRCLE_GROWTH;
  const reach = radiansToDegrees(lengthToRadians(radius, 'meters'));
  // Limitation: near a pole the lon/lat picture of a circle stretches past what
  // 64 chords can follow, so we fall back to a box that holds it, or the whole
  // polar cap when the circle covers the pole. Circle against circle never
  // comes here: that test is by distance and exact everywhere.
  if (lat + reach >= 90) return rectangle(-180, Math.max(-90, lat - reach), 180, 90);
  if (lat - reach <= -90) return rectangle(-180, -90, 180, Math.min(90, lat + reach));
  if (Math.abs(lat) + reach > POLAR_LATITUDE) {
    const spread = Math.min(1, Math.sin(degreesToRadians(reach)) / Math.cos(degreesToRadians(lat)));
    const half = radiansToDegrees(Math.asin(spread));
    return rectangle(lon - half, lat - reach, lon + half, lat + reach);
  }
  // turf's ring may cross ±180 like any other, so it goes through the same unwrapping.
  return flattened(circle([lon, lat], radius, { steps: CIRCLE_STEPS, units: 'meters' }).geometry.coordinates);
}

/** Whether two flat polygons share a point on the cylinder: b is tried at every whole turn that can reach a. */
function flatPolygonsMeet(a: FlatPolygon, b: FlatPolygon): boolean {
  if (a.south > b.north || b.south > a.north) return false;
  // Latitude ±90 is one point whatever the longitude: two areas that reach the
  // same pole share it, however far apart their longitudes are on the map.
  if ((a.north >= 90 && b.north >= 90) || (a.south <= -90 && b.south <= -90)) return true;
  const first = Math.ceil((a.west - b.east) / 360 - SHIFT_SLACK);
  const last = Math.floor((a.east - b.west) / 360 + SHIFT_SLACK);
  for (let turns = first; turns <= last; turns++) {
    const moved = { type: 'Polygon' as const, coordinates: shifted(b.rings, 360 * turns) };
    if (booleanIntersects({ type: 'Polygon', coordinates: a.rings }, moved)) return true;
  }
  return false;
}

function flatPolygonHolds(polygon: FlatPolygon, [lon, lat]: number[]): boolean {
  if (lat < polygon.south || lat > polygon.north) return false;
  const first = Math.ceil((polygon.west - lon) / 360 - SHIFT_SLACK);
  const last = Math.floor((polygon.east - lon) / 360 + SHIFT_SLACK);
  for (let turns = first; turns <= last; turns++) {
    const point = { type: 'Point' as const, coordinates: [lon + 360 * turns, lat] };
    if (booleanIntersects(point, { type: 'Polygon', coordinates: polygon.rings })) return true;
  }
  return false;
}

function circlesMeet(a: CircleArea, b: CircleArea): boolean {
  return distance(a.coordinates, b.coordinates, { units: 'meters' }) <= a.radius + b.radius;
}

function circleMeetsPolygons(disc: CircleArea, area: PolygonArea | MultiPolygonArea): boolean {
  const polygons = polygonsOf(area);
  // Exact answers first: a vertex inside the circle, or the centre inside a
  // polygon, is a shared point whatever the approximation below would say.
  for (const rings of polygons) {
    for (const ring of rings) {
      for (const position of ring) {
        if (distance(disc.coordinates, position, { units: 'meters' }) <= disc.radius) return true;
      }
    }
  }
  const flats = polygons.map(flattened);
  if (flats.some((flat) => flatPolygonHolds(flat, disc.coordinates))) return true;
  const outline = flatCircle(disc);
  return flats.some((flat) => flatPolygonsMeet(outline, flat));
}

// Key-order-free text of an area, to put a pair in a fixed order.
function orderKey(area: NoticeArea): string {
  return JSON.stringify([area.type, area.coordinates, area.type === 'Point' ? area.radius : null]);
}

/** Whether two notice areas share any point, boundaries included. Symmetric. */
export function areasOverlap(a: NoticeArea, b: NoticeArea): boolean {
  // Each station of a line must reach the same verdict whichever notice it
  // holds as `a`, so the pair is put in a fixed order before any rounding.
  const keyA = orderKey(a);
  const keyB = orderKey(b);
  if (keyA === keyB) return true;
  const [first, second] = keyA < keyB ? [a, b] : [b, a];
  if (first.type === 'Point') return second.type === 'Point' ? circlesMeet(first, second) : circleMeetsPolygons(first, second);
  if (second.type === 'Point') return circleMeetsPolygons(second, first);
  const flatsOfSecond = polygonsOf(second).map(flattened);
  return polygonsOf(first)
    .map(flattened)
    .some((flat) => flatsOfSecond.some((other) => flatPolygonsMeet(flat, other)));
}
