import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, ROOT, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser } from './support/browser.ts';
import { SHOTS, seriousViolations } from './support/axe.ts';

// Every page of the console through axe-core (WCAG 2.2 AA rules), on a line
// with a little of everything on it; and the screenshots in docs/, taken here
// so they show the console as it is.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;
const line = 'deconfliction';

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { austin: 'principal', duty: 'duty_officer', translator: 'translator' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], line, ['austin', 'duty', 'translator']);
  browser = await launchBrowser();
  // A little of everything, as in the articles.
  const flash = (await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Request a call between defence ministers to discuss an immediate ceasefire.', precedence: 'IMMEDIATE', lang: 'en' })).json.id;
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${flash}`)).status === 200, 'message at Moscow');
  await M.as('translator', 'POST', `/v1/lines/${line}/messages/${flash}/translations`, { text: 'Просим разговор министров обороны для обсуждения немедленного прекращения огня.', lang: 'ru', stage: 'official' });
  await M.as('duty', 'POST', `/v1/lines/${line}/items/${flash}/ack`);
  await M.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Запрос получен. Министр недоступен.', lang: 'ru', precedence: 'PRIORITY' });
  await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Unidentified aircraft approaching the corridor. Please confirm.', precedence: 'FLASH', lang: 'en' });
  for (const reason of ['The Minister is not available.', 'The Minister is travelling.']) {
    const call = (await W.as('austin', 'POST', `/v1/lines/${line}/calls`, { to: 'austin' })).json.id;
    await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/calls/${call}`)).status === 200, 'call at Moscow');
    await M.as('duty', 'POST', `/v1/lines/${line}/calls/${call}/decline`, { reason });
  }
  const call = (await W.as('austin', 'POST', `/v1/lines/${line}/calls`, {})).json.id;
  await eventually(async () => (await M.as('austin', 'GET', `/v1/lines/${line}/calls/${call}`)).status === 200, 'call at Moscow');
  await M.as('austin', 'POST', `/v1/lines/${line}/calls/${call}/accept`, {});
  await eventually(async () => (await W.as('austin', 'GET', `/v1/lines/${line}/calls/${call}`)).json.status === 'accepted', 'accepted');
  await W.as('austin', 'POST', `/v1/lines/${line}/calls/${call}/end`, {});
  await W.as('austin', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, { public: true, text: 'The Secretary emphasized the importance of maintaining lines of communication amid the ongoing war.' });
  await M.as('austin', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, { public: true, text: 'Состоялся телефонный разговор. Без дополнительных подробностей.', lang: 'ru' });
  const start = Date.now() + 3600_000;
  await W.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'flight_operations', text: 'ISR flight, western Black Sea.', area: { type: 'Polygon', coordinates: [[[30.5, 43], [32.5, 43], [32.5, 44.5], [30.5, 44.5], [30.5, 43]]] }, altitude: { lower: 9000, upper: 15000 }, window: { start, end: start + 6 * 3600_000 } });
  await M.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'exercise', text: 'Air defence exercise.', area: { type: 'Point', coordinates: [32, 44], radius: 80_000 }, altitude: { lower: 0, upper: 20000 }, window: { start: start + 3600_000, end: start + 8 * 3600_000 } });
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${line}/conflicts`)).json.conflicts.length === 1, 'conflict');
});
after(async () => {
  await browser?.close();
  await stop?.();
});

async function signedIn(member: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  // bypassCSP lets the test inject axe-core; the console itself runs under the station's CSP.
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Paris', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(W.proc.url);
  await page.getByLabel('Name').fill(member);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.top').waitFor();
  return page;
}

const serious = seriousViolations;

test('every page passes axe-core with no serious or critical violation, and the screenshots are current', { timeout: 180_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const problems: string[] = [];
  const signIn = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true })).newPage();
  await signIn.goto(W.proc.url);
  await signIn.locator('form button[type=submit]').waitFor();
  problems.push(...(await serious(signIn)).map((p) => `sign-in: ${p}`));
  await signIn.screenshot({ path: join(SHOTS, 'sign-in.png') });

  const page = await signedIn('duty');
  await page.locator('[data-line="deconfliction"] .lamp').waitFor();
  problems.push(...(await serious(page)).map((p) => `lines: ${p}`));
  await page.screenshot({ path: join(SHOTS, 'lines.png') });
  for (const tab of ['transcript', 'calls', 'readouts', 'notices', 'history', 'audit']) {
    await page.goto(`${W.proc.url}/#/lines/${line}/${tab}`);
    await page.locator(`[data-tab="${tab}"][aria-current="page"]`).waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    problems.push(...(await serious(page)).map((p) => `${tab}: ${p}`));
    await page.screenshot({ path: join(SHOTS, `${tab}.png`), fullPage: false });
  }
  for (const own of ['watch', 'board']) {
    await page.goto(`${W.proc.url}/#/${own}`);
    await page.getByTestId(own).waitFor();
    await page.waitForLoadState('networkidle');
    problems.push(...(await serious(page)).map((p) => `${own}: ${p}`));
    if (own === 'watch') await page.screenshot({ path: join(SHOTS, 'watch.png'), fullPage: false });
  }
  // A large watch-floor display, and a laptop, in Russian.
  const wall = await signedIn('duty', { width: 2560, height: 1440 });
  await wall.goto(`${W.proc.url}/#/lines/${line}/transcript`);
  await wall.waitForLoadState('networkidle');
  await wall.screenshot({ path: join(SHOTS, 'watch-floor.png') });
  const laptop = await signedIn('translator', { width: 1280, height: 720 });
  await laptop.getByTestId('language').selectOption('ru');
  await laptop.goto(`${W.proc.url}/#/lines/${line}/transcript`);
  await laptop.waitForLoadState('networkidle');
  problems.push(...(await serious(laptop)).map((p) => `transcript (ru): ${p}`));
  await laptop.screenshot({ path: join(SHOTS, 'transcript-ru.png') });
  assert.deepEqual(problems, []);
});

test('the console is usable by keyboard alone: sign in, open a line, move between tabs', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(W.proc.url);
    await page.locator('input[name=name]').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name');
    await page.keyboard.type('duty');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('header.top').waitFor();
    // Tab until the line's link has focus, then follow it.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      // The line's card (the alarm bar above it may link to the same line's tabs).
      if (await page.evaluate(() => document.activeElement?.closest('.line-card') && (document.activeElement as HTMLAnchorElement).href?.includes('#/lines/deconfliction'))) break;
    }
    await page.keyboard.press('Enter');
    await page.locator('[data-tab="transcript"][aria-current="page"]').waitFor();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-tab') === 'notices')) break;
    }
    await page.keyboard.press('Enter');
    await page.locator('[data-tab="notices"][aria-current="page"]').waitFor();
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
  } finally {
    await context.close();
  }
});

test('the sign-in page speaks the browser\'s language', { timeout: 60_000 }, async () => {
  const words: Record<string, string> = { 'ru-RU': 'ru', 'uk-UA': 'uk', 'fr-FR': 'fr', 'de-DE': 'en' };
  for (const [locale, lang] of Object.entries(words)) {
    const context = await browser.newContext({ locale });
    try {
      const page = await context.newPage();
      await page.goto(W.proc.url);
      await page.locator('form button[type=submit]').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${locale}: a language the console does not speak falls back to English`);
    } finally {
      await context.close();
    }
  }
});

test('at 1366 px the header fits on one row in all four languages, and the time zone is searched by its current name', { timeout: 90_000 }, async () => {
  const page = await signedIn('translator', { width: 1366, height: 768 });
  try {
    for (const lang of ['en', 'ru', 'uk', 'fr']) {
      await page.getByTestId('language').selectOption(lang);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      // One row: every item of the header spans a common horizontal line.
      const row = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('header.top > *')].map((e) => e.getBoundingClientRect()).filter((b) => b.height > 0);
        return { top: Math.max(...boxes.map((b) => b.top)), bottom: Math.min(...boxes.map((b) => b.bottom)) };
      });
      assert.ok(row.top < row.bottom, `${lang}: the header wraps (${JSON.stringify(row)})`);
      if (lang === 'ru') await page.locator('header.top').screenshot({ path: join(SHOTS, 'header-ru-1366.png') });
    }
    await page.getByTestId('language').selectOption('en');
    const names = await page.evaluate(() => [...document.querySelectorAll('#zone-names option')].map((o) => (o as HTMLOptionElement).value));
    assert.ok(names.includes('Europe/Kyiv') && !names.includes('Europe/Kiev'), 'the current name, not the old one');
    assert.ok(names.length > 300);
    const zone = page.getByTestId('zone');
    await zone.fill('europe/kyiv');
    await zone.press('Enter');
    await eventually(async () => (await W.as('translator', 'GET', '/v1/me/preferences')).json.zone === 'Europe/Kyiv', 'the zone kept as a preference');
    assert.equal(await zone.inputValue(), 'Europe/Kyiv');
    await zone.fill('Nowhere/Atlantis');
    await zone.press('Enter');
    await zone.blur();
    assert.equal(await zone.inputValue(), 'Europe/Kyiv', 'a name that is no zone changes nothing');
    assert.equal((await W.as('translator', 'PUT', '/v1/me/preferences', { zone: 'UTC' })).status, 200);
  } finally {
    await page.context().close();
  }
});

test('every page fits an 800 px window: nothing scrolls sideways', { timeout: 90_000 }, async () => {
  const page = await signedIn('duty', { width: 800, height: 900 });
  const problems: string[] = [];
  try {
    for (const at of ['#/lines', ...['transcript', 'calls', 'readouts', 'notices', 'history', 'audit'].map((tab) => `#/lines/${line}/${tab}`), '#/security', '#/watch', '#/board']) {
      await page.goto(`${W.proc.url}/${at}`);
      await page.waitForLoadState('networkidle');
      const wide = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
      if (wide.scroll > wide.width) {
        const culprits = await page.evaluate((w) => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`), wide.width);
        problems.push(`${at}: ${wide.scroll} px wide in ${wide.width} (${culprits.join(', ')})`);
      }
    }
    await page.goto(`${W.proc.url}/#/lines/${line}/history`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SHOTS, 'history-800.png') });
  } finally {
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test('at 2560×1440 and 3840×2160 the pages use the screen: no centred column, larger type', { timeout: 90_000 }, async () => {
  for (const viewport of [{ width: 2560, height: 1440 }, { width: 3840, height: 2160 }]) {
    const page = await signedIn('duty', viewport);
    try {
      for (const at of ['#/lines', `#/lines/${line}/transcript`, `#/lines/${line}/notices`, '#/watch']) {
        await page.goto(`${W.proc.url}/${at}`);
        await page.waitForLoadState('networkidle');
        const m = await page.evaluate(() => ({ main: document.querySelector('main')!.getBoundingClientRect().width, font: parseFloat(getComputedStyle(document.documentElement).fontSize), scroll: document.documentElement.scrollWidth }));
        assert.ok(m.main >= 0.95 * viewport.width, `${viewport.width}: ${at} main is ${m.main} px`);
        assert.ok(m.font >= (viewport.width >= 3200 ? 28 : 22), `${viewport.width}: ${m.font} px type`);
        assert.ok(m.scroll <= viewport.width);
      }
      if (viewport.width === 3840) await page.screenshot({ path: join(SHOTS, 'transcript-4k.png') });
    } finally {
      await page.context().close();
    }
  }
});

test('people\'s words: no page but the audit shows an internal reference ("Washington:16")', { timeout: 90_000 }, async () => {
  const page = await signedIn('duty');
  const problems: string[] = [];
  try {
    for (const at of ['#/lines', '#/board', '#/watch', ...['transcript', 'calls', 'readouts', 'notices', 'history'].map((tab) => `#/lines/${line}/${tab}`)]) {
      await page.goto(`${W.proc.url}/${at}`);
      await page.waitForLoadState('networkidle');
      const text = await page.evaluate(() => document.body.innerText);
      for (const m of text.matchAll(/\b(Washington|Moscow):\d+\b/g)) problems.push(`${at}: "${text.slice(Math.max(0, m.index! - 40), m.index! + 20).replace(/\s+/g, ' ')}"`);
    }
  } finally {
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test('the audit tab shows each party\'s key fingerprint in the read-aloud form, as each station states its own', { timeout: 60_000 }, async () => {
  const page = await signedIn('duty');
  try {
    await page.goto(`${W.proc.url}/#/lines/${line}/audit`);
    for (const s of [W, M]) {
      const own = (await s.as('duty', 'GET', '/v1/station')).json.fingerprint;
      assert.match(own, /^\d{5}( \d{5}){5}$/);
      const shown = page.locator(`[data-fingerprint="${s.name}"]`);
      await shown.waitFor();
      assert.ok((await shown.innerText()).includes(own), `${s.name}: ${await shown.innerText()}`);
    }
  } finally {
    await page.context().close();
  }
});
