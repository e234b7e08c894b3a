import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { checkArea, MAX_AREA_POSITIONS, MAX_RING_POSITIONS, NoticeArea } from './area.ts';

function rings(w: number, s: number, e: number, n: number): number[][][] {
  return [[[w, s], [e, s], [e, n], [w, n], [w, s]]];
}

function box(w: number, s: number, e: number, n: number): NoticeArea {
  return { type: 'Polygon', coordinates: rings(w, s, e, n) };
}

test('polygons, multipolygons and circles pass the schema and the checks', () => {
  const areas: NoticeArea[] = [
    box(0, 0, 1, 1),
    box(170, 10, -170, 20),
    { type: 'MultiPolygon', coordinates: [rings(0, 0, 1, 1), rings(2, 2, 3, 3)] },
    { type: 'Point', coordinates: [179.9, -89], radius: 5_000_000 },
  ];
  for (const area of areas) {
    assert.ok(Value.Check(NoticeArea, area), JSON.stringify(area));
    assert.equal(checkArea(area), null);
  }
});

test('the schema rejects foreign members, altitudes, odd radii and oversized rings', () => {
  const rejected: unknown[] = [
    { ...box(0, 0, 1, 1), bbox: [0, 0, 1, 1] },
    { type: 'Point', coordinates: [0, 0, 100], radius: 10 },
    { type: 'Point', coordinates: [0, 0] },
    { type: 'Point', coordinates: [0, 0], radius: 0 },
    { type: 'Point', coordinates: [0, 0], radius: 5_000_001 },
    { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] },
    { type: 'Polygon', coordinates: [] },
    { type: 'MultiPolygon', coordinates: [] },
    { type: 'Polygon', coordinates: [Array.from({ length: MAX_RING_POSITIONS + 1 }, (_, i) => (i === MAX_RING_POSITIONS ? [0, 0] : [i / 1000, i % 2]))] },
    { type: 'LineString', coordinates: [[0, 0], [1, 1]] },
  ];
  for (const area of rejected) assert.equal(Value.Check(NoticeArea, area), false, JSON.stringify(area).slice(0, 80));
});

test('checkArea names what is wrong', () => {
  assert.match(checkArea(box(0, 0, 181, 1)) ?? '', /longitude 181 is outside/);
  assert.match(checkArea(box(0, -91, 1, 1)) ?? '', /latitude -91 is outside/);
  assert.match(checkArea({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }) ?? '', /not closed/);
  assert.match(checkArea({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }) ?? '', /at least 4 positions/);
  assert.match(checkArea({ type: 'Point', coordinates: [Number.NaN, 0], radius: 10 }) ?? '', /finite/);
  assert.match(checkArea({ type: 'Point', coordinates: [0, 0], radius: Number.POSITIVE_INFINITY }) ?? '', /radius/);
  assert.match(
    checkArea({ type: 'MultiPolygon', coordinates: [rings(0, 0, 1, 1), rings(0, 0, 1, Infinity)] }) ?? '',
    /^coordinates\[1\]\[0\]\[2\]: .*finite/,
  );
});

test('checkArea caps the positions of the whole area', () => {
  // A simple ring of 1000 positions (a zigzag closed straight back would cross itself).
  const ring = Array.from({ length: 1000 }, (_, i) => [Math.cos((2 * Math.PI * i) / 1000) * (1 + (i % 2) / 10), Math.sin((2 * Math.PI * i) / 1000) * (1 + (i % 2) / 10)]);
  ring.push(ring[0]);
  const polygons = Array.from({ length: Math.ceil(MAX_AREA_POSITIONS / ring.length) + 1 }, () => [ring]);
  assert.match(checkArea({ type: 'MultiPolygon', coordinates: polygons }) ?? '', /at most 5000/);
  assert.equal(checkArea({ type: 'MultiPolygon', coordinates: polygons.slice(0, 4) }), null);
});
