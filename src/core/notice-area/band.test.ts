import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandsOverlap, windowsOverlap } from './band.ts';

test('altitude bands are closed: sharing only an edge is a conflict', () => {
  assert.equal(bandsOverlap({ lower: 0, upper: 1000 }, { lower: 500, upper: 2000 }), true);
  assert.equal(bandsOverlap({ lower: 0, upper: 1000 }, { lower: 1000, upper: 2000 }), true);
  assert.equal(bandsOverlap({ lower: 1000, upper: 2000 }, { lower: 0, upper: 1000 }), true);
  assert.equal(bandsOverlap({ lower: 0, upper: 1000 }, { lower: 1000.5, upper: 2000 }), false);
  assert.equal(bandsOverlap({ lower: 0, upper: 10000 }, { lower: 300, upper: 400 }), true, 'one inside the other');
  assert.equal(bandsOverlap({ lower: 500, upper: 500 }, { lower: 0, upper: 1000 }), true, 'a single altitude');
  assert.equal(bandsOverlap({ lower: 2000, upper: 0 }, { lower: 0, upper: 1000 }), false, 'an inverted band holds nothing');
});

test('time windows are half-open: one ending as the other starts is no conflict', () => {
  assert.equal(windowsOverlap({ start: 0, end: 100 }, { start: 50, end: 150 }), true);
  assert.equal(windowsOverlap({ start: 0, end: 100 }, { start: 100, end: 200 }), false);
  assert.equal(windowsOverlap({ start: 100, end: 200 }, { start: 0, end: 100 }), false);
  assert.equal(windowsOverlap({ start: 0, end: 101 }, { start: 100, end: 200 }), true);
  assert.equal(windowsOverlap({ start: 0, end: 1000 }, { start: 10, end: 20 }), true, 'one inside the other');
  assert.equal(windowsOverlap({ start: 50, end: 50 }, { start: 0, end: 100 }), false, 'an empty window holds nothing');
});
