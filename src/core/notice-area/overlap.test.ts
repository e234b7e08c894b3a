import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NoticeArea } from './area.ts';
import { areasOverlap } from './overlap.ts';

const EARTH_RADIUS_M = 6371008.8;
const KM = 1000;

// Corners in GeoJSON order; with east < west the ring crosses the antimeridian.
function box(w: number, s: number, e: number, n: number): NoticeArea {
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

function disc(lon: number, lat: number, radius: number): NoticeArea {
  return { type: 'Point', coordinates: [lon, lat], radius };
}

function both(a: NoticeArea, b: NoticeArea): boolean {
  const forward = areasOverlap(a, b);
  assert.equal(areasOverlap(b, a), forward, 'areasOverlap must be symmetric');
  return forward;
}

function wrapped(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** The point `metres` from [lon, lat] along `bearing` degrees, on the sphere turf uses. */
function travelled([lon, lat]: number[], metres: number, bearing: number): number[] {
  const rad = Math.PI / 180;
  const d = metres / EARTH_RADIUS_M;
  const lat1 = lat * rad;
  const heading = bearing * rad;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(heading));
  const lon2 = lon * rad + Math.atan2(Math.sin(heading) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return [wrapped(lon2 / rad), lat2 / rad];
}

function haversine([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

test('squares: apart, overlapping, touching, nested', () => {
  assert.equal(both(box(0, 0, 1, 1), box(2, 0, 3, 1)), false);
  assert.equal(both(box(0, 0, 1, 1), box(0.5, 0.5, 1.5, 1.5)), true);
  assert.equal(both(box(0, 0, 1, 1), box(1, 0, 2, 1)), true, 'a shared edge');
  assert.equal(both(box(0, 0, 1, 1), box(1, 1, 2, 2)), true, 'a shared corner');
  assert.equal(both(box(0, 0, 1, 1), box(1, 0.25, 2, 0.75)), true, 'an edge touching part of another');
  assert.equal(both(box(0, 0, 10, 10), box(4, 4, 5, 5)), true, 'one inside the other');
  assert.equal(both(box(0, 0, 1, 1), box(0, 0, 1, 1)), true, 'the same area');
});

test('crossing edges with no vertex inside the other still overlap', () => {
  assert.equal(both(box(0, 2, 10, 3), box(4, 0, 5, 10)), true);
});

test('a polygon inside another one\'s hole does not overlap it; one across the hole\'s rim does', () => {
  const framed: NoticeArea = {
    type: 'Polygon',
    coordinates: [
      [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
      [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2]],
    ],
  };
  assert.equal(both(framed, box(4, 4, 6, 6)), false);
  assert.equal(both(framed, box(1, 4, 3, 6)), true);
});

test('multipolygons overlap when any part does', () => {
  const parts: NoticeArea = {
    type: 'MultiPolygon',
    coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]]]],
  };
  assert.equal(both(parts, box(20.5, 20.5, 22, 22)), true);
  assert.equal(both(parts, box(10, 10, 11, 11)), false);
});

test('circles meet when their centres are within the sum of the radii', () => {
  assert.equal(both(disc(0, 0, 50 * KM), disc(travelled([0, 0], 90 * KM, 90)[0], 0, 50 * KM)), true);
  assert.equal(both(disc(0, 0, 50 * KM), disc(travelled([0, 0], 110 * KM, 90)[0], 0, 50 * KM)), false);
  assert.equal(both(disc(10, 45, 50 * KM), disc(10, 45, 1 * KM)), true, 'one inside the other');
});

test('circles near a pole go by distance, across the date line too', () => {
  // Two degrees of latitude apart over the pole: about 222 km.
  assert.equal(both(disc(0, 89, 120 * KM), disc(180, 89, 120 * KM)), true);
  assert.equal(both(disc(0, 89, 100 * KM), disc(180, 89, 100 * KM)), false);
  assert.equal(both(disc(-179.5, -88, 60 * KM), disc(179.5, -88, 60 * KM)), true);
});

test('a circle meets a polygon it only grazes with its rim', () => {
  // The circle's easternmost point is at 0.8993°E; no box vertex is inside it.
  const circle = disc(0, 0, 100 * KM);
  assert.equal(both(circle, box(0.895, -1, 2, 1)), true);
  assert.equal(both(circle, box(0.93, -1, 2, 1)), false, 'clear of the 1.1% the stand-in polygon adds');
  assert.equal(both(disc(5, 5, 1 * KM), box(0, 0, 10, 10)), true, 'inside');
  assert.equal(both(disc(5, 5, 5000 * KM), box(4, 4, 6, 6)), true, 'around');
});

test('a circle over a pole meets what lies across it', () => {
  assert.equal(both(disc(0, 88, 400 * KM), box(170, 88.5, 175, 89.5)), true);
  assert.equal(both(disc(0, 88, 400 * KM), box(170, 70, 175, 75)), false);
});

test('the antimeridian: one ring across it, the same split in two, a circle across it', () => {
  const across = box(170, 10, -170, 20);
  const split: NoticeArea = {
    type: 'MultiPolygon',
    coordinates: [
      [[[170, 10], [180, 10], [180, 20], [170, 20], [170, 10]]],
      [[[-180, 10], [-170, 10], [-170, 20], [-180, 20], [-180, 10]]],
    ],
  };
  const circle = disc(179.9, 15, 50 * KM);
  const east = box(179, 14, 179.9, 16);
  const west = box(-179.95, 14.9, -179.85, 15.1);
  // Its west edge passes 45 km east of the circle's centre, every corner well outside.
  const westRim = box(-179.68, 14, -179, 16);
  const greenwich = box(-0.5, 14, 0.5, 16);
  for (const area of [across, split, circle]) {
    assert.equal(both(area, east), true);
    assert.equal(both(area, west), true);
    assert.equal(both(area, westRim), true);
    assert.equal(both(area, greenwich), false);
  }
  assert.equal(both(across, split), true);
  assert.equal(both(across, circle), true);
  assert.equal(both(across, box(-170, 10, -160, 20)), true, 'touching at 170°W');
  assert.equal(both(across, box(-169, 10, -160, 20)), false);
});

test('a ring round the pole is taken as the polar cap it encloses', () => {
  const arctic = box(-180, 80, 180, 90);
  const ring: NoticeArea = { type: 'Polygon', coordinates: [[[0, 80], [90, 80], [180, 80], [-90, 80], [0, 80]]] };
  for (const area of [arctic, ring]) {
    assert.equal(both(area, box(100, 85, 101, 86)), true);
    assert.equal(both(area, box(100, 70, 101, 75)), false);
  }
  assert.equal(both(box(-180, -10, 180, 10), box(50, 0, 51, 1)), true, 'a band all round the equator');
});

type Box = { w: number; s: number; e: number; n: number };

const boxes = fc
  .record({
    w: fc.integer({ min: -180, max: 179 }),
    width: fc.integer({ min: 1, max: 40 }),
    s: fc.integer({ min: -80, max: 70 }),
    height: fc.integer({ min: 1, max: 10 }),
  })
  .map(({ w, width, s, height }): Box => ({ w, e: wrapped(w + width), s, n: s + height }));

// A second box near the first, so that overlapping, touching and apart all come up often.
const boxPairs = fc
  .tuple(boxes, fc.integer({ min: -45, max: 45 }), fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 }))
  .map(([a, dx, dy, width, height]): [Box, Box] => {
    const w = wrapped(a.w + dx);
    const s = Math.max(-85, Math.min(75, a.s + dy));
    return [a, { w, e: wrapped(w + width), s, n: s + height }];
  });

const circleNear = (lon: number, lat: number) =>
  fc
    .record({ dlon: fc.double({ min: -20, max: 20, noNaN: true }), dlat: fc.double({ min: -10, max: 10, noNaN: true }), radius: fc.double({ min: 100, max: 2_000_000, noNaN: true }) })
    .map(({ dlon, dlat, radius }) => disc(wrapped(lon + dlon), Math.max(-89, Math.min(89, lat + dlat)), radius));

test('overlap is symmetric for boxes and circles', () => {
  const pairs = boxes.chain((a) => {
    const near = fc.oneof(boxPairs.map(([, b]) => box(b.w, b.s, b.e, b.n)), circleNear(a.w, a.s));
    return fc.tuple(fc.oneof(fc.constant(box(a.w, a.s, a.e, a.n)), circleNear(a.w, a.s)), near);
  });
  let overlapping = 0;
  fc.assert(
    fc.property(pairs, ([a, b]) => {
      const forward = areasOverlap(a, b);
      if (forward) overlapping++;
      return areasOverlap(b, a) === forward;
    }),
    { numRuns: 400 },
  );
  assert.ok(overlapping > 40 && overlapping < 360, `a mix of answers, got ${overlapping} overlapping of 400`);
});

test('turning both boxes by the same longitude keeps the answer', () => {
  const turned = (x: Box, turn: number) => box(wrapped(x.w + turn), x.s, wrapped(x.e + turn), x.n);
  let overlapping = 0;
  fc.assert(
    fc.property(boxPairs, fc.integer({ min: -360, max: 360 }), ([a, b], turn) => {
      const before = areasOverlap(box(a.w, a.s, a.e, a.n), box(b.w, b.s, b.e, b.n));
      if (before) overlapping++;
      return areasOverlap(turned(a, turn), turned(b, turn)) === before;
    }),
    { numRuns: 400 },
  );
  assert.ok(overlapping > 40 && overlapping < 360, `a mix of answers, got ${overlapping} overlapping of 400`);
});

/**
 * A triangle, every vertex outside the circle, whose near edge a-b runs
 * `depth` of the radius from the centre: only the polygon standing in for the
 * circle can see that they overlap.
 */
function grazing(centre: number[], radius: number, bearing: number, spread: number, depth: number): number[][] {
  const reach = (radius * depth) / Math.cos((spread * Math.PI) / 180);
  return [travelled(centre, reach, bearing - spread), travelled(centre, reach, bearing + spread), travelled(centre, radius * 2, bearing)];
}

function triangle([a, b, c]: number[][]): NoticeArea {
  return { type: 'Polygon', coordinates: [[a, b, c, a]] };
}

/** The least distance from `centre` to the segment a-b drawn straight on the lon/lat plane, sampled. */
function nearestOnEdge(centre: number[], a: number[], b: number[]): number {
  const bLon = a[0] + wrapped(b[0] - a[0]);
  let nearest = Infinity;
  for (let t = 0; t <= 1; t += 1 / 512) nearest = Math.min(nearest, haversine(centre, [a[0] + (bLon - a[0]) * t, a[1] + (b[1] - a[1]) * t]));
  return nearest;
}

test('a polygon that only cuts the circle\'s rim between two of its stand-in\'s vertices is seen', () => {
  // Bearing 2.8125° is midway between two vertices of the 64-gon, where an inscribed one would fall short.
  const circle = disc(0, 0, 100 * KM);
  assert.equal(both(circle, triangle(grazing([0, 0], 100 * KM, 360 / 128, 30, 0.9995))), true);
  assert.equal(both(circle, triangle(grazing([0, 0], 100 * KM, 360 / 128, 30, 1.02))), false);
});

test('an edge hugging the rim anywhere round the circle is seen, where the lon/lat picture bends most too', () => {
  // A short edge tangent to the circle just inside its rim, ends outside it.
  // Large circles away from the equator are where a merely circumscribed
  // 64-gon misses such edges; the extra 1% is what catches them.
  for (const [lat, radius] of [[0, 100 * KM], [22.5, 4000 * KM], [32.5, 5000 * KM], [60, 1000 * KM], [60, 3000 * KM], [70, 500 * KM], [80, 500 * KM], [84, 300 * KM]]) {
    const centre = [179, lat];
    for (let bearing = 0; bearing < 360; bearing += 1) {
      const q = travelled(centre, radius * 0.9999, bearing);
      const ahead = travelled(centre, radius * 0.9999, bearing + 0.01);
      const behind = travelled(centre, radius * 0.9999, bearing - 0.01);
      const along = [wrapped(ahead[0] - behind[0]), ahead[1] - behind[1]];
      const scale = ((0.05 * radius) / EARTH_RADIUS_M) * (180 / Math.PI) / Math.hypot(along[0], along[1]) / Math.max(0.2, Math.cos((q[1] * Math.PI) / 180));
      const a = [wrapped(q[0] - along[0] * scale), q[1] - along[1] * scale];
      const b = [wrapped(q[0] + along[0] * scale), q[1] + along[1] * scale];
      const c = travelled(centre, radius * 1.5, bearing);
      for (const corner of [a, b, c]) assert.ok(haversine(centre, corner) > radius, `every corner outside the circle: lat ${lat}, bearing ${bearing}`);
      assert.ok(nearestOnEdge(centre, a, b) < radius, 'the edge dips inside the circle');
      assert.equal(areasOverlap(disc(centre[0], lat, radius), triangle([a, b, c])), true, `lat ${lat}, radius ${radius}, bearing ${bearing}`);
    }
  }
});

test('a polygon that only cuts the circle\'s rim is never missed', () => {
  const cases = fc.record({
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    lat: fc.double({ min: -85, max: 85, noNaN: true }),
    radius: fc.double({ min: 1000, max: 3_000_000, noNaN: true }),
    bearing: fc.double({ min: 0, max: 360, noNaN: true }),
    spread: fc.double({ min: 10, max: 40, noNaN: true }),
    depth: fc.double({ min: 0.998, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(cases, ({ lon, lat, radius, bearing, spread, depth }) => {
      const corners = grazing([lon, lat], radius, bearing, spread, depth);
      fc.pre(nearestOnEdge([lon, lat], corners[0], corners[1]) < radius);
      return areasOverlap(disc(lon, lat, radius), triangle(corners));
    }),
    { numRuns: 400 },
  );
});

test('two areas that reach the same pole share it, whatever their longitudes', () => {
  // Each touches the north pole at one corner, a quarter of the globe apart on the map.
  const a: NoticeArea = { type: 'Polygon', coordinates: [[[0, 85], [10, 85], [10, 90], [0, 85]]] };
  const b: NoticeArea = { type: 'Polygon', coordinates: [[[90, 85], [100, 85], [95, 90], [90, 85]]] };
  assert.equal(both(a, b), true);
  // A polar cap, and a circle over the pole, meet both.
  assert.equal(both(a, box(-180, 89, 180, 90)), true);
  assert.equal(both(b, disc(-120, 89.99, 5 * KM)), true);
  // The south pole is another point.
  const c: NoticeArea = { type: 'Polygon', coordinates: [[[90, -85], [100, -85], [95, -90], [90, -85]]] };
  const d: NoticeArea = { type: 'Polygon', coordinates: [[[-60, -85], [-50, -85], [-55, -90], [-60, -85]]] };
  assert.equal(both(c, d), true);
  assert.equal(both(a, c), false, 'the north pole is not the south pole');
  // Near the pole but not at it: no shared point.
  const e: NoticeArea = { type: 'Polygon', coordinates: [[[90, 85], [100, 85], [95, 89.9], [90, 85]]] };
  assert.equal(both(a, e), false);
});
