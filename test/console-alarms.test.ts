import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';
import { join } from 'node:path';
import { SHOTS, seriousViolations } from './support/axe.ts';

// The watch floor's alarms, in Chromium against two real stations: a FLASH
// that arrives while Moscow's duty officer looks at another line's Notices
// tab raises the alarm bar, a repeating sound and a desktop notification, and
// counts in the tab's title; the alarm survives a reload, a second duty
// officer acknowledges it from their own console, and it stops everywhere.
// The sender's console alarms when its FLASH goes past its deadline.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer', relief: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], 'deconfliction', ['duty', 'relief'], { title: 'Deconfliction line' });
  await shareLine(W, [M], 'aviation', ['duty', 'relief'], { title: 'Aviation safety' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

/** Records every desktop notification the page raises (Chromium's headless shell shows none). */
async function recordNotifications(page: Page) {
  // As text: the test's compiled functions would carry the compiler's helpers into the page.
  await page.addInitScript({ content: `
    const shown = [];
    window.__notifications = shown;
    const Real = window.Notification;
    function Recorded(title, options) {
      shown.push({ title, body: (options && options.body) || '' });
      return new Real(title, options);
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Recorded.requestPermission = (...a) => Real.requestPermission(...a);
    window.Notification = Recorded;
  ` });
}

const sound = (page: Page) => page.evaluate(() => ({ ...(window as any).__hotlineAlarmSound }));

test('a FLASH on one line raises the alarm on a console showing another line\'s notices: bar, repeating sound, notification, title; a second officer acknowledges it', { timeout: 120_000 }, async () => {
  const duty = await openConsole(browser, M.proc.url, 'duty', PASSWORD, { bypassCSP: true });
  const relief = await openConsole(browser, M.proc.url, 'relief', PASSWORD);
  try {
    const page = duty.page;
    await recordNotifications(page);
    await page.goto(`${M.proc.url}/#/lines/aviation/notices`);
    await page.reload();
    await page.locator('header.top').waitFor();
    await page.waitForFunction(() => document.querySelector('.live.on') !== null);

    const sent = await W.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text: 'Launch detected, track follows.', precedence: 'FLASH' });
    assert.equal(sent.status, 201);
    const bar = page.getByTestId('alarm-bar');
    const item = bar.locator('[data-alarm-kind="flash"]');
    await item.waitFor({ timeout: 20_000 });
    const text = await item.innerText();
    assert.match(text, /FLASH from Washington \(duty\) on Deconfliction line: “Launch detected, track follows\.”/);
    assert.ok(!text.includes(sent.json.id) && !text.includes('deconfliction:'), `no internal reference in "${text}"`);
    assert.equal(await item.locator('a.alarm-show').getAttribute('href'), '#/lines/deconfliction/transcript');
    const open = await bar.locator('li').count();
    await page.waitForFunction((n) => document.title.startsWith(`(${n}) Hotline`), open);
    // The sound runs in a running audio context and repeats: more tones keep starting.
    const first = await sound(page);
    assert.deepEqual([first.playing, first.tone, first.context], [true, 'flash', 'running']);
    await page.waitForFunction((n) => (window as any).__hotlineAlarmSound.started >= n + 3, first.started, { timeout: 10_000 });
    const notes = await page.evaluate(() => (window as any).__notifications);
    assert.ok(notes.some((n: any) => n.title === 'Alarm: Deconfliction line' && n.body.includes('Launch detected')), JSON.stringify(notes));
    await page.screenshot({ path: join(SHOTS, 'alarm-bar.png') });
    assert.deepEqual(await seriousViolations(page), []);

    // State on the station: a reload still shows it, and so does the other duty officer's console.
    await page.reload();
    await item.waitFor({ timeout: 10_000 });
    const other = relief.page.getByTestId('alarm-bar').locator('[data-alarm-kind="flash"]');
    await other.waitFor({ timeout: 10_000 });
    await other.locator('[data-action="ack-alarm"]').click();

    // Acknowledged once, it stops on every console: the bar goes, the title loses its count, the tones stop starting.
    await item.waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForFunction(() => {
      const open = document.querySelectorAll('[data-testid="alarm-bar"] li').length;
      return open === 0 ? !document.title.startsWith('(') : document.title.startsWith(`(${open}) `);
    });
    const after = await sound(page);
    assert.equal(after.playing, false);
    await page.waitForTimeout(2500);
    assert.equal((await sound(page)).started, after.started, 'no tone after the acknowledgement');
    const alarms = (await M.as('duty', 'GET', '/v1/alarms')).json.alarms;
    const flash = alarms.find((a: any) => a.kind === 'flash' && a.item === sent.json.id);
    assert.equal(flash.acknowledged.by, 'relief');
    assert.equal(flash.sounding, false);
  } finally {
    await duty.context.close();
    await relief.context.close();
  }
});

test('the sender\'s console alarms when its own FLASH goes past its deadline, and acknowledging the message at Moscow clears it', { timeout: 120_000 }, async () => {
  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    // The shortest deadline a line allows, so that the sender's alarm comes within the test.
    assert.equal((await W.as('root', 'PATCH', '/v1/lines/deconfliction/settings', { deadlines: { FLASH: 10, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 } })).status, 201);
    await page.goto(`${W.proc.url}/#/lines`);
    await page.waitForFunction(() => document.querySelector('.live.on') !== null);
    const sent = await W.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text: 'Confirm receipt of track data.', precedence: 'FLASH' });
    const item = page.getByTestId('alarm-bar').locator('[data-alarm-kind="overdue"]', { hasText: 'Confirm receipt' });
    await item.waitFor({ timeout: 30_000 });
    assert.match(await item.innerText(), /Our FLASH on Deconfliction line is past its deadline: Moscow has not acknowledged “Confirm receipt of track data\.”/);
    assert.equal((await sound(page)).playing, true);
    // Moscow acknowledges the message itself: the cause is gone, so the alarm clears without anyone acknowledging it.
    assert.equal((await M.as('duty', 'POST', `/v1/lines/deconfliction/items/${sent.json.id}/ack`, {})).status, 201);
    await item.waitFor({ state: 'detached', timeout: 20_000 });
    const overdue = await eventually(async () => (await W.as('duty', 'GET', '/v1/alarms')).json.alarms.find((a: any) => a.kind === 'overdue' && a.item === sent.json.id && a.cleared), 'cleared at Washington');
    assert.deepEqual([overdue.cleared.why, overdue.acknowledged], ['acknowledged', null]);
  } finally {
    await context.close();
  }
});

test('alarms are authorised: a member not named on the line neither lists nor acknowledges its alarms', async () => {
  const list = (await M.as('duty', 'GET', '/v1/alarms?limit=500')).json.alarms;
  const flash = list.find((a: any) => a.kind === 'flash');
  assert.ok(flash);
  // root (an admin, not named on the line) may see the line but not read it: the alarm is not theirs.
  assert.ok(!(await M.as('root', 'GET', '/v1/alarms?limit=500')).json.alarms.some((a: any) => a.id === flash.id));
  const refused = await M.as('root', 'POST', `/v1/alarms/${flash.id}/ack`, {});
  assert.equal(refused.status, 404);
  assert.equal((await M.as('duty', 'POST', '/v1/alarms/999999/ack', {})).status, 404);
  assert.equal((await M.as('duty', 'POST', '/v1/alarms/0x10/ack', {})).status, 400);
  assert.equal((await M.as('duty', 'GET', '/v1/alarms?limit=0')).status, 400);
});
