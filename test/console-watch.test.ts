import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PASSWORD, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// A transcript for a long watch, in Chromium against two real stations:
// search and filters on the station, unread marks that follow the member,
// one-key shortcuts, and the compose box in view on a 1366×768 laptop.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;
const LINE = 'deconfliction';

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer', relief: 'duty_officer', chief: 'principal' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], LINE, ['duty', 'relief', 'chief'], { title: 'Deconfliction line' });
  await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: 'Ferry crossing at dawn, no escort.', precedence: 'ROUTINE' });
  for (let i = 0; i < 29; i++) await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: `Position report ${i}: corridor clear.`, precedence: 'ROUTINE' });
  await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: 'Tanker refuelling over the Black Sea at 14:00Z.', precedence: 'PRIORITY' });
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${LINE}/transcript?limit=1`)).json.total >= 31, 'the traffic at Moscow');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

test('search and filters run on the station and show what they found; "Show in transcript" goes to it', { timeout: 60_000 }, async () => {
  const { context, page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    await page.goto(`${M.proc.url}/#/lines/${LINE}/transcript`);
    await page.getByTestId('compose').waitFor();
    // "/" puts the cursor in the search field.
    await page.locator('.tr-scroll').first().focus();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tr-search');
    await page.keyboard.type('black sea');
    const results = page.getByTestId('transcript-results');
    await results.getByText('1 item found').waitFor();
    assert.match(await results.innerText(), /Tanker refuelling over the Black Sea/);
    // Filters: precedence, waiting for us.
    await page.getByTestId('filter-clear').click();
    await page.getByTestId('filter-precedence').selectOption('PRIORITY');
    await results.getByText('1 item found').waitFor();
    await page.getByTestId('filter-precedence').selectOption('');
    await page.getByTestId('filter-waiting').check();
    await results.getByText('31 items found').waitFor();
    // Back to the transcript, at the item.
    await page.getByTestId('filter-waiting').uncheck();
    await page.getByTestId('transcript-search').fill('FERRY escort');
    await results.getByText('1 item found').waitFor();
    await results.getByRole('button', { name: 'Show in transcript' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent?.includes('Ferry crossing at dawn, no escort.'));
    // The station refuses a search of a line the member cannot read, as if it did not exist.
    assert.equal((await M.as('root', 'GET', `/v1/lines/${LINE}/search?q=tanker`)).status, 403, 'an admin sees the line but does not read it');
    assert.equal((await M.as('duty', 'GET', `/v1/lines/${LINE}/search?kind=nonsense`)).status, 400);
  } finally {
    await context.close();
  }
});

test('unread marks follow the member to another console; "n" goes to the next unread; "a" acknowledges the FLASH first', { timeout: 60_000 }, async () => {
  const first = await openConsole(browser, M.proc.url, 'relief', PASSWORD);
  try {
    await first.page.goto(`${M.proc.url}/#/lines/${LINE}/transcript`);
    await first.page.getByTestId('compose').waitFor();
    // Everything so far is new to this member, until they have had it on screen.
    await first.page.locator('.tr-unread').first().waitFor();
    await eventually(async () => (await M.as('relief', 'GET', `/v1/lines/${LINE}/read`)).json.upTo >= 31, 'read up to the end');
  } finally {
    await first.context.close();
  }
  await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: 'Routine: weather update.', precedence: 'ROUTINE' });
  const flash = (await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: 'Unidentified aircraft, please confirm.', precedence: 'FLASH' })).json.id;
  await eventually(async () => (await M.as('relief', 'GET', `/v1/lines/${LINE}/messages/${flash}`)).status === 200, 'the FLASH at Moscow');

  const second = await openConsole(browser, M.proc.url, 'relief', PASSWORD);
  try {
    const page = second.page;
    await page.goto(`${M.proc.url}/#/lines/${LINE}/transcript`);
    await page.getByTestId('compose').waitFor();
    // On another console, only what came after the mark is new.
    await page.locator('.tr-unread').nth(1).waitFor();
    const unread = await page.locator('.tr-unread').allInnerTexts();
    assert.equal(unread.length, 2, unread.join(' | '));
    assert.match(unread[0], /weather update/);
    await page.locator('.tr-scroll').first().focus();
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.activeElement?.classList.contains('tr-unread') && document.activeElement.textContent?.includes('weather update'));
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.activeElement?.textContent?.includes('Unidentified aircraft'));
    // "a" acknowledges what waits longest for us, FLASH first (31 ROUTINE and PRIORITY are older).
    await page.keyboard.press('a');
    await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${LINE}/messages/${flash}`)).json.acks.some((x: any) => x.by === 'relief'), 'acknowledged at Washington');
    // The shortcuts are listed in the console.
    await page.keyboard.press('?');
    assert.match(await page.getByTestId('shortcuts').innerText(), /Acknowledge what waits longest for us, FLASH first/);
  } finally {
    await second.context.close();
  }
});

test('at 1366×768 the compose box is in view with a FLASH banner up; "x" declines a ringing call', { timeout: 60_000 }, async () => {
  await W.as('duty', 'POST', `/v1/lines/${LINE}/messages`, { text: 'Second unidentified track.', precedence: 'FLASH' });
  const { context, page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD, { viewport: { width: 1366, height: 768 } });
  try {
    await page.goto(`${M.proc.url}/#/lines/${LINE}/transcript`);
    await page.getByTestId('flash-banner').waitFor();
    const box = await page.getByTestId('compose').boundingBox();
    const send = await page.getByTestId('compose').getByRole('button', { name: /^Send/ }).boundingBox();
    assert.ok(box && send, 'the compose form is there');
    assert.ok(send!.y + send!.height <= 768, `the Send button is below the fold (${send!.y + send!.height} px)`);
    const scroller = await page.locator('.tr-scroll').first().boundingBox();
    assert.ok(scroller!.height >= 200, `the transcript keeps ${scroller!.height} px`);

    const call = (await W.as('duty', 'POST', `/v1/lines/${LINE}/calls`, {})).json.id;
    await page.getByTestId('call-ringing').waitFor();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('x');
    await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${LINE}/calls/${call}`)).json.status === 'declined', 'declined at Washington');
  } finally {
    await context.close();
  }
});

test('the call timeline opens on the calls, so a burst of them is not one point; it zooms and pans', { timeout: 60_000 }, async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const call = (await W.as('duty', 'POST', `/v1/lines/${LINE}/calls`, {})).json.id;
    await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${LINE}/calls/${call}`)).status === 200, 'the call at Moscow');
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${LINE}/calls/${call}/decline`, { reason: `busy ${i}` })).status, 201);
    ids.push(call);
    await new Promise((r) => setTimeout(r, 300));
  }
  const { context, page } = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  try {
    await page.goto(`${W.proc.url}/#/lines/${LINE}/history`);
    const timeline = page.getByTestId('call-timeline');
    await timeline.waitFor();
    await eventually(async () => (await timeline.locator('.timeline-mark[data-status="declined"]').count()) >= 4, 'the declined calls drawn');
    const boxes = await Promise.all(ids.map((id) => timeline.locator(`[data-call="${id}"]`).boundingBox()));
    const xs = boxes.map((b) => b!.x + b!.width / 2).sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] - xs[i - 1] >= 8, `calls ${i - 1} and ${i} are ${xs[i] - xs[i - 1]} px apart`);
    const showing = page.getByRole('group', { name: 'Move and zoom the timeline' }).getByRole('status');
    const before = await showing.innerText();
    await page.getByTestId('timeline-whole').click();
    await page.waitForFunction((b) => document.querySelector('.timeline-controls [role=status]')?.textContent !== b, before);
    await page.getByTestId('timeline-fit').click();
    assert.equal(await showing.innerText(), before);
    await page.getByTestId('timeline-zoom-out').click();
    assert.notEqual(await showing.innerText(), before);
  } finally {
    await context.close();
  }
});

test('presence: a principal sets it, the party shares it on the line, and the other side sees it before calling', { timeout: 60_000 }, async () => {
  const chief = await openConsole(browser, W.proc.url, 'chief', PASSWORD);
  const moscow = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    await chief.page.goto(`${W.proc.url}/#/watch`);
    await chief.page.locator('[data-presence="reachable"]').check();
    await chief.page.locator('[data-person="chief"][data-status="reachable"]').waitFor();
    // Washington's admin shares its principals' presence on the line: where the chief is now goes to the line at once.
    assert.equal((await W.as('root', 'PATCH', `/v1/lines/${LINE}/settings`, { sharePresence: true })).status, 201);
    await moscow.page.goto(`${M.proc.url}/#/lines/${LINE}/calls`);
    const shared = moscow.page.getByTestId('shared-presence');
    await shared.locator('[data-presence-of="chief"][data-status="reachable"]').waitFor({ timeout: 15_000 });
    assert.match(await shared.innerText(), /chief \(Washington\): Reachable/);
    // A change reaches Moscow's open console without a reload, with who acts in the chief's place.
    await chief.page.getByTestId('presence-delegate').selectOption('duty');
    await chief.page.locator('[data-presence="away"]').check();
    await shared.locator('[data-presence-of="chief"][data-status="away"]').waitFor({ timeout: 15_000 });
    assert.match(await shared.innerText(), /chief \(Washington\): Away · duty acts in their place/);
    // Only those who keep the watch set a presence.
    assert.equal((await W.as('root', 'PUT', '/v1/me/presence', { status: 'away' })).status, 403);
    assert.equal((await W.as('chief', 'PUT', '/v1/me/presence', { status: 'away', delegate: 'nobody-here' })).status, 400);
  } finally {
    await chief.context.close();
    await moscow.context.close();
  }
});

test('watch handover: the outgoing officer hands over with a note of what is open, and the record shows who held the watch when', { timeout: 60_000 }, async () => {
  const { context, page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    await page.goto(`${M.proc.url}/#/watch`);
    await page.getByTestId('watch-holder').getByText('Nobody holds the watch.').waitFor();
    await page.getByTestId('handover-submit').click();
    await page.getByTestId('watch-holder').getByText(/^duty holds the watch since/).waitFor();
    // Handing over: the note is filled from what is open on the lines.
    await page.getByTestId('handover-to').selectOption('relief');
    await page.getByTestId('handover-open').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="handover-note"]') as HTMLTextAreaElement).value.startsWith('Deconfliction line:'));
    const note = await page.getByTestId('handover-note').inputValue();
    assert.match(note, /waiting for us: /);
    await page.getByTestId('handover-submit').click();
    await page.getByTestId('watch-holder').getByText(/^relief holds the watch since/).waitFor();
    const turns = await page.getByTestId('watch-turns').locator('tbody tr').allInnerTexts();
    assert.equal(turns.length, 2);
    assert.match(turns[0], /^relief/);
    assert.match(turns[1], /^duty/);
    const watch = (await M.as('duty', 'GET', '/v1/watch')).json;
    assert.deepEqual([watch.holder.name, watch.holder.handedBy, watch.turns[1].name, watch.turns[1].to === watch.holder.from], ['relief', 'duty', 'duty', true]);
    assert.equal(watch.holder.note, note);
    // Only the one on watch (or an admin) hands it over.
    assert.equal((await M.as('duty', 'POST', '/v1/watch/handover', { to: 'chief', note: '' })).status, 403);
    assert.equal((await M.as('root', 'POST', '/v1/watch/handover', { to: 'chief', note: 'relief taken ill' })).status, 201);
  } finally {
    await context.close();
  }
});
