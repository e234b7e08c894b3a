import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandsOverlap, windowProblem, windowsOverlap, WINDOW_EARLIEST, WINDOW_LATEST } from './band.ts';

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

test('notice windows lie between 2000 and 2100: seconds for milliseconds, or "for ever", are refused', () => {
  const day = 86_400_000;
  const start = Date.UTC(2026, 10, 23);
  assert.equal(windowProblem({ start, end: start + day }), null);
  assert.equal(windowProblem({ start: WINDOW_EARLIEST, end: WINDOW_LATEST }), null);
  assert.match(windowProblem({ start: Math.floor(start / 1000), end: Math.floor(start / 1000) + 86_400 }) ?? '', /window\.start .* outside 2000-01-01 \.\. 2100-01-01.*milliseconds/);
  assert.match(windowProblem({ start, end: 2 ** 60 }) ?? '', /window\.end .* outside/);
  assert.match(windowProblem({ start: WINDOW_EARLIEST - 1, end: start }) ?? '', /window\.start/);
  assert.match(windowProblem({ start, end: WINDOW_LATEST + 1 }) ?? '', /window\.end/);
  assert.match(windowProblem({ start, end: start }) ?? '', /after window\.start/);
  assert.equal(new Date(WINDOW_EARLIEST).toISOString(), '2000-01-01T00:00:00.000Z');
  assert.equal(new Date(WINDOW_LATEST).toISOString(), '2100-01-01T00:00:00.000Z');
});
