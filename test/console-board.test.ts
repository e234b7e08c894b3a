import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { PASSWORD, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';
import { SHOTS, seriousViolations } from './support/axe.ts';

// The status board on a watch floor's 4K screen, in Chromium against two real
// stations: every line with its lamp and each party's local time, what waits
// on whom by precedence, a ringing call and the recent alarms, live.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;
/** A slot far from now, so no check call goes out while the test runs. */
const quietSlot = () => `${String((new Date().getUTCHours() + 12) % 24).padStart(2, '0')}:00`;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], 'deconfliction', ['duty'], { title: 'Deconfliction line' });
  await shareLine(W, [M], 'aviation', ['duty'], { title: 'Aviation safety' });
  await shareLine(W, [], 'internal', ['duty'], { title: 'Internal watch' });
  // Each party's local time comes from the zone of its check-call schedule on the line.
  assert.equal((await W.as('root', 'PATCH', '/v1/lines/deconfliction/settings', { checks: { zone: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], times: [quietSlot()], windowMinutes: 5 } })).status, 201);
  assert.equal((await M.as('root', 'PATCH', '/v1/lines/deconfliction/settings', { checks: { zone: 'Europe/Moscow', days: [1, 2, 3, 4, 5, 6, 7], times: [quietSlot()], windowMinutes: 5 } })).status, 201);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

test('the status board at 3840×2160 shows every line\'s state, fills the screen, and follows the line live', { timeout: 120_000 }, async () => {
  const flash = (await M.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text: 'Launch detected, track follows.', precedence: 'FLASH' })).json.id;
  await W.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text: 'Request a call between defence ministers.', precedence: 'IMMEDIATE' });
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/deconfliction/messages/${flash}`)).status === 200, 'the FLASH at Washington');
  const call = (await M.as('duty', 'POST', '/v1/lines/aviation/calls', {})).json.id;
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/aviation/calls/${call}`)).status === 200, 'the call at Washington');

  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD, { viewport: { width: 3840, height: 2160 }, bypassCSP: true });
  try {
    await page.goto(`${W.proc.url}/#/board`);
    const board = page.getByTestId('board');
    await board.locator('[data-board-line]').nth(2).waitFor();
    assert.equal(await page.locator('header.top').count(), 0, 'the board has the screen to itself');

    const deconfliction = board.locator('[data-board-line="deconfliction"]');
    assert.match(await deconfliction.innerText(), /Deconfliction line/);
    // Up (a heartbeat late under load would say degraded for a moment: the board follows it live).
    await deconfliction.locator('.lamp[data-status="up"]').waitFor({ timeout: 10_000 });
    assert.match(await deconfliction.locator('[data-waiting="FLASH"]').innerText(), /FLASH\s+1/);
    assert.match(await deconfliction.locator('[data-waiting="IMMEDIATE"]').innerText(), /IMMEDIATE\s+1 · Moscow/);
    const parties = await deconfliction.locator('.board-parties').innerText();
    assert.match(parties, /Washington\s+\d\d:\d\d:\d\d\s+America\/New_York/);
    assert.match(parties, /Moscow\s+\d\d:\d\d:\d\d\s+Europe\/Moscow/);
    assert.match(await board.locator('[data-board-line="aviation"] [data-board-call="ringing"]').innerText(), /Ringing: duty of Moscow is calling/);
    assert.match(await board.locator('[data-board-line="internal"]').innerText(), /Internal watch/);
    assert.match(await board.getByTestId('board-utc').innerText(), /UTC \d\d:\d\d:\d\d/);
    assert.ok(await board.locator('[data-board-alarm="flash"]').count() >= 1, 'the FLASH among the recent alarms');

    // Made for the big screen: the lines take most of the width, and the type reads from across the room.
    const size = await page.evaluate(() => ({
      lines: document.querySelector('.board-lines')!.getBoundingClientRect().width,
      font: parseFloat(getComputedStyle(document.querySelector('.board')!).fontSize),
      scroll: document.documentElement.scrollWidth,
    }));
    assert.ok(size.lines > 0.7 * 3840, `lines ${size.lines} px wide`);
    assert.ok(size.font >= 36, `type ${size.font} px`);
    assert.ok(size.scroll <= 3840);
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: join(SHOTS, 'status-board-4k.png') });

    // Live: another FLASH, and the board counts two without anyone touching it.
    await M.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text: 'Second track.', precedence: 'FLASH' });
    await deconfliction.locator('[data-waiting="FLASH"]', { hasText: /FLASH\s+2/ }).waitFor({ timeout: 15_000 });

    await page.setViewportSize({ width: 2560, height: 1440 });
    await page.screenshot({ path: join(SHOTS, 'status-board-2560.png') });
  } finally {
    await context.close();
  }
});

test('the board shows only lines the member may read', async () => {
  const mine = (await W.as('duty', 'GET', '/v1/board')).json;
  assert.deepEqual(mine.lines.map((l: any) => l.line), ['aviation', 'deconfliction', 'internal']);
  // root (an admin, named on no line) sees the lines but reads none of them.
  const admin = (await W.as('root', 'GET', '/v1/board')).json;
  assert.deepEqual(admin.lines, []);
  assert.ok(admin.alarms.every((a: any) => a.line === null), 'and none of their alarms');
});

test('EXERCISE traffic is marked everywhere, can be hidden, and is counted apart', { timeout: 90_000 }, async () => {
  const moscow = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  const washington = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    await moscow.page.goto(`${M.proc.url}/#/lines/aviation/transcript`);
    const compose = moscow.page.getByTestId('compose');
    await compose.getByLabel('Message', { exact: true }).fill('Drill: simulated launch.');
    await compose.getByLabel('Precedence').selectOption('FLASH');
    await compose.getByTestId('compose-exercise').check();
    await compose.getByRole('button', { name: /^Send/ }).click();
    await compose.getByText(/^Sent at \d/).waitFor();

    // At Washington: the alarm says EXERCISE first, and so does the message.
    const alarm = washington.page.getByTestId('alarm-bar').locator('[data-alarm-kind="flash"]', { hasText: 'Drill: simulated launch.' });
    await alarm.waitFor({ timeout: 15_000 });
    assert.match(await alarm.innerText(), /^EXERCISE — FLASH from Moscow \(duty\) on Aviation safety/);
    await washington.page.goto(`${W.proc.url}/#/lines/aviation/transcript`);
    const item = washington.page.locator('[data-kind="message"]', { hasText: 'Drill: simulated launch.' });
    await item.waitFor();
    assert.equal(await item.locator('[data-exercise="true"]').innerText(), 'EXERCISE');
    await washington.page.getByTestId('hide-exercise').check();
    await item.waitFor({ state: 'detached' });
    await washington.page.getByTestId('hide-exercise').uncheck();
    await item.waitFor();

    // An exercise call and the counts: apart from the real calls.
    // Placed from the console with "Exercise" ticked.
    await washington.page.goto(`${W.proc.url}/#/lines/aviation/calls`);
    await washington.page.getByTestId('call-exercise').check();
    await washington.page.getByRole('button', { name: 'Place call' }).click();
    const drill = { json: await eventually(async () => (await W.as('duty', 'GET', '/v1/lines/aviation/calls')).json.calls.find((c: any) => c.exercise && c.status === 'ringing'), 'the drill call placed') };
    await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/aviation/calls/${drill.json.id}`)).status === 200, 'the drill call at Moscow');
    assert.equal((await M.as('duty', 'POST', `/v1/lines/aviation/calls/${drill.json.id}/decline`, { reason: 'Drill over.' })).status, 201);
    await washington.page.getByTestId('call-dismiss').click().catch(() => undefined);
    const history = await eventually(async () => {
      const h = (await W.as('duty', 'GET', '/v1/lines/aviation/history')).json;
      return h.timeline.some((c: any) => c.exercise && c.status === 'declined') && h;
    }, 'the declined drill in the history');
    assert.deepEqual(history.exercise, { messages: 1, calls: 1, notices: 0 });
    assert.equal(history.calls.declined, 0, 'the declined drill is not a declined call');
    await washington.page.goto(`${W.proc.url}/#/lines/aviation/calls`);
    await washington.page.locator(`tr[data-call="${drill.json.id}"] [data-exercise="true"]`).waitFor();
    await washington.page.goto(`${W.proc.url}/#/lines/aviation/history`);
    assert.match(await washington.page.getByTestId('exercise-counts').innerText(), /EXERCISE\s+Exercise traffic, counted apart: 1 messages, 1 calls, 0 notices/);
  } finally {
    await moscow.context.close();
    await washington.context.close();
  }
});

test('the Lines page tells FLASH from ROUTINE in what waits for us, and keeps a UTC clock', { timeout: 60_000 }, async () => {
  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    await page.goto(`${W.proc.url}/#/lines`);
    const card = page.locator('[data-line="deconfliction"]');
    await card.locator('[data-waiting="FLASH"]').waitFor();
    assert.match(await card.locator('[data-waiting="FLASH"]').innerText(), /^FLASH 2/);
    const clock = await page.getByTestId('utc-clock').innerText();
    assert.match(clock, /^UTC \d\d:\d\d:\d\d$/);
    await page.waitForFunction((c) => (document.querySelector('[data-testid="utc-clock"]') as HTMLElement | null)?.innerText !== c, clock, { timeout: 5000 });
  } finally {
    await context.close();
  }
});

test('names per language: the admin names a line and a party in Russian, and a Russian console shows them', { timeout: 60_000 }, async () => {
  const admin = await openConsole(browser, W.proc.url, 'root', PASSWORD);
  try {
    await admin.page.goto(`${W.proc.url}/#/members`);
    const form = admin.page.getByTestId('names');
    await form.locator('[data-name-of="deconfliction"] input[data-lang="ru"]').fill('Линия деконфликтинга');
    await form.locator('[data-name-of="Moscow"] input[data-lang="ru"]').fill('Москва');
    await form.getByTestId('names-save').click();
    await form.getByText('Names saved.').waitFor();
  } finally {
    await admin.context.close();
  }
  assert.deepEqual((await W.as('duty', 'GET', '/v1/names')).json.parties, { Moscow: { ru: 'Москва' } });
  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD, { locale: 'ru-RU' });
  try {
    await page.getByTestId('language').selectOption('ru');
    await page.goto(`${W.proc.url}/#/lines`);
    const card = page.locator('[data-line="deconfliction"]');
    await card.getByRole('link', { name: /Линия деконфликтинга/ }).waitFor();
    assert.match(await card.innerText(), /Washington, Москва/);
    // The record keeps the original names; English still reads them.
    assert.equal((await W.as('duty', 'GET', '/v1/lines/deconfliction')).json.title, 'Deconfliction line');
    await page.getByTestId('language').selectOption('en');
    await card.getByRole('link', { name: /Deconfliction line/ }).waitFor();
  } finally {
    await context.close();
  }
});
