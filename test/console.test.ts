import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PASSWORD } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// The console in a real browser (Debian's Chromium) against real linked stations.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { chief: 'principal', duty: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], 'deconfliction', ['chief', 'duty']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

test('sign in, see the lines with their lamps, switch language (remembered per member)', { timeout: 60_000 }, async () => {
  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    const card = page.locator('[data-line="deconfliction"]');
    await card.waitFor();
    await card.locator('.lamp[data-status="up"]').waitFor();
    await page.getByTestId('language').selectOption('uk');
    await page.getByRole('heading', { name: 'Лінії' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'uk');
  } finally {
    await context.close();
  }
  // A new session of the same member comes back in Ukrainian.
  const again = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    await again.page.getByRole('heading', { name: 'Лінії' }).waitFor();
    await again.page.getByTestId('language').selectOption('en');
    await again.page.getByRole('heading', { name: 'Lines' }).waitFor();
  } finally {
    await again.context.close();
  }
});
