import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkStatus, uptime } from './status.ts';

test('three silent intervals make a link down; half an interval late, degraded', () => {
  assert.equal(linkStatus(true, 500, 1000), 'up');
  assert.equal(linkStatus(true, 1600, 1000), 'degraded');
  assert.equal(linkStatus(true, 3001, 1000), 'down');
  assert.equal(linkStatus(false, 0, 1000), 'down');
});

test('uptime counts the time not spent down', () => {
  const changes = [{ time: 10, status: 'up' as const }, { time: 50, status: 'down' as const }, { time: 60, status: 'degraded' as const }];
  assert.equal(uptime(changes, 'down', 0, 100), (40 + 40) / 100);
  assert.equal(uptime([], 'up', 0, 10), 1);
  assert.equal(uptime([], 'down', 0, 10), 0);
});
