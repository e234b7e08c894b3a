import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkArea, type NoticeArea } from './area.ts';

// Polygons must be regions: simple rings, some area, holes inside and apart.

const polygon = (...rings: number[][][]): NoticeArea => ({ type: 'Polygon', coordinates: rings });
const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];

test('a bow-tie (a ring that crosses itself) is refused, saying so', () => {
  assert.match(checkArea(polygon([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]])) ?? '', /coordinates\[0\]: the ring crosses or touches itself/);
  // A figure eight that touches itself at one corner is no simpler.
  assert.match(checkArea(polygon([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]])) ?? '', /crosses or touches itself/);
  // Across the antimeridian too: the check works on unwrapped longitudes.
  assert.match(checkArea(polygon([[179, 0], [-179, 1], [-179, 0], [179, 1], [179, 0]])) ?? '', /crosses or touches itself/);
  assert.match(checkArea({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [[[5, 5], [6, 6], [6, 5], [5, 6], [5, 5]]]] }) ?? '', /^coordinates\[1\]\[0\]: the ring crosses/);
});

test('a ring with no area is refused: collinear corners, a spike, one point repeated', () => {
  assert.match(checkArea(polygon([[0, 0], [1, 1], [2, 2], [0, 0]])) ?? '', /no area/);
  assert.match(checkArea(polygon([[0, 0], [1, 0], [2, 0], [1, 0], [0, 0]])) ?? '', /no area|crosses or touches/);
  assert.match(checkArea(polygon([[3, 3], [3, 3], [3, 3], [3, 3]])) ?? '', /at least 3 different corners/);
  assert.match(checkArea(polygon([[0, 0], [1e-9, 0], [0, 1e-9], [0, 0]])) ?? '', /encloses no area/);
  // A repeated neighbour (a double click) is harmless.
  assert.equal(checkArea(polygon([[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]])), null);
});

test('holes must lie inside the exterior ring, apart from it and from each other', () => {
  assert.equal(checkArea(polygon(square(0, 0, 10, 10), square(2, 2, 4, 4), square(6, 6, 8, 8))), null);
  assert.match(checkArea(polygon(square(0, 0, 10, 10), square(20, 20, 30, 30))) ?? '', /coordinates\[1\]: the hole lies outside/);
  assert.match(checkArea(polygon(square(0, 0, 10, 10), square(5, 5, 15, 15))) ?? '', /rings 0 and 1 cross or touch/);
  assert.match(checkArea(polygon(square(0, 0, 10, 10), square(0, 2, 4, 4))) ?? '', /rings 0 and 1 cross or touch/);
  assert.match(checkArea(polygon(square(0, 0, 10, 10), square(1, 1, 9, 9), square(2, 2, 3, 3))) ?? '', /hole lies inside hole 1/);
  assert.match(checkArea(polygon(square(0, 0, 10, 10), square(2, 2, 6, 6), square(4, 4, 8, 8))) ?? '', /rings 1 and 2 cross or touch/);
  // A hole given across the antimeridian from its shell is placed beside it, as the overlap test does.
  assert.equal(checkArea(polygon([[170, 0], [-170, 0], [-170, 10], [170, 10], [170, 0]], square(178, 2, 179, 3))), null);
  assert.equal(checkArea(polygon([[170, 0], [-170, 0], [-170, 10], [170, 10], [170, 0]], [[179, 2], [-179, 2], [-179, 3], [179, 3], [179, 2]])), null);
});

test('rings round a pole, bands edge to edge, and shapes across the antimeridian stay accepted', () => {
  const cap = [[-180, 80], [180, 80], [180, 90], [-180, 90], [-180, 80]];
  assert.equal(checkArea(polygon([[0, 80], [90, 80], [180, 80], [-90, 80], [0, 80]])), null, 'a ring round the north pole');
  assert.equal(checkArea(polygon(cap)), null);
  assert.equal(checkArea(polygon(square(-180, 10, 180, 20))), null, 'a band round the globe');
  assert.equal(checkArea(polygon([[170, 10], [-170, 10], [-170, 20], [170, 20], [170, 10]])), null);
  assert.equal(checkArea(polygon(square(0, 80, 10, 90))), null, 'reaching the pole');
});

test('every convex polygon is accepted, and every one with two neighbouring corners swapped is refused', () => {
  fc.assert(fc.property(
    fc.double({ min: -170, max: 170, noNaN: true }), fc.double({ min: -60, max: 60, noNaN: true }),
    fc.double({ min: 0.01, max: 10, noNaN: true }), fc.integer({ min: 4, max: 40 }),
    (lon, lat, r, n) => {
      const ring = Array.from({ length: n }, (_, i) => [lon + r * Math.cos((2 * Math.PI * i) / n), lat + r * Math.sin((2 * Math.PI * i) / n)]);
      assert.equal(checkArea(polygon([...ring, ring[0]])), null);
      // Swapping two neighbouring corners of a convex ring makes two of its edges cross.
      const twisted = ring.slice();
      [twisted[0], twisted[1]] = [twisted[1], twisted[0]];
      assert.match(checkArea(polygon([...twisted, twisted[0]])) ?? '', /crosses or touches itself|doubles back/);
    },
  ), { numRuns: 200 });
});
