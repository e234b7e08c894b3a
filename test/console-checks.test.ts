import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PASSWORD, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// A check call answered from the console: the other side's duty officer sees
// it waiting on the line and acknowledges it in the window.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], 'deconfliction', ['duty']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

test('a check call from Washington waits on Moscow\'s console and is acknowledged in time', { timeout: 90_000 }, async () => {
  const { context, page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    await page.goto(`${M.proc.url}/#/lines/deconfliction/transcript`);
    await page.getByTestId('compose').waitFor();
    // The check goes out for the current minute's slot; leave time to answer within its window.
    if (new Date().getUTCSeconds() > 40) await new Promise((r) => setTimeout(r, (61 - new Date().getUTCSeconds()) * 1000));
    const now = new Date();
    const slot = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    assert.equal((await W.as('root', 'PATCH', '/v1/lines/deconfliction/settings', { checks: { zone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], times: [slot], windowMinutes: 1 } })).status, 201);
    const check = page.locator('[data-kind="check"]').first();
    await check.locator('[data-status="waiting"]').waitFor({ timeout: 20_000 });
    await check.locator('[data-action="ack"]').click();
    await check.locator('[data-status="answered"]').waitFor({ timeout: 20_000 });
    const answered = await eventually(async () => (await W.as('duty', 'GET', '/v1/lines/deconfliction/checks')).json.checks.find((c: any) => c.status === 'answered'), 'answered at Washington');
    assert.deepEqual(answered.acks.map((a: any) => [a.party, a.by, a.late]), [['Moscow', 'duty', false]]);
  } finally {
    await context.close();
  }
});
