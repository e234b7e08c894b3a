import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// The Transcript tab in a real browser on two real, linked stations: a FLASH
// message sent from one console, acknowledged on the other, translated there,
// and every change seen live on the sender's console without a reload.

const LINE = 'deconfliction';
const SEEDED = 230;

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { chief: 'principal', duty: 'duty_officer', tr: 'translator' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], LINE, ['chief', 'duty', 'tr']);
  const tpl = await W.as('root', 'PUT', `/v1/lines/${LINE}/templates/1`, { title: 'Exercise ends', texts: { en: 'Our exercise has ended.', ru: 'Наши учения завершены.' }, precedence: 'IMMEDIATE' });
  assert.equal(tpl.status, 201, tpl.text);
  // More than one page of history, so the console must page rather than read it all.
  for (let i = 0; i < SEEDED; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => W.as('chief', 'POST', `/v1/lines/${LINE}/messages`, { text: `Routine ${i + j}`, lang: 'en' })));
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stop?.();
});

async function openTranscript(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate((line) => (location.hash = `#/lines/${line}/transcript`), LINE);
  await page.getByRole('heading', { name: 'Transcript', exact: true }).waitFor();
  await page.locator('.tr-list > li').last().waitFor();
  return Date.now() - t0;
}

const message = (page: Page, text: string) => page.locator('li[data-kind="message"]', { hasText: text });

test('transcript: FLASH sent, acknowledged by the other side, translated, all live; templates; paging', { timeout: 60_000 }, async () => {
  const [w, m] = await Promise.all([openConsole(browser, W.proc.url, 'duty', PASSWORD), openConsole(browser, M.proc.url, 'duty', PASSWORD)]);
  try {
    // Only the tail is read: the last 200 entries, and the rest on request.
    const ms = await openTranscript(w.page);
    await openTranscript(m.page);
    assert.ok(ms < 5000, `transcript usable in ${ms} ms`);
    await w.page.locator('.tr-count', { hasText: /^The last 200 of \d+ entries$/ }).waitFor();
    assert.equal(await w.page.locator('.tr-list > li[data-kind="message"]').count(), 200);

    // Washington's duty officer sends a FLASH message from the form.
    const compose = w.page.getByTestId('compose');
    await compose.getByLabel('Message', { exact: true }).fill('Aircraft approaching your border at 09:40: not hostile.');
    await compose.getByLabel('Precedence').selectOption('FLASH');
    await compose.getByRole('button', { name: /^Send/ }).click();
    const sentW = message(w.page, 'Aircraft approaching your border');
    await sentW.waitFor();
    const id = await sentW.getAttribute('data-id');
    assert.match(id ?? '', /^Washington:\d+$/);
    assert.equal(await sentW.locator('.precedence').textContent(), 'FLASH');
    assert.equal(await sentW.getByRole('button', { name: 'Acknowledge' }).count(), 0, 'no acknowledging our own message');

    // Moscow's console shows it live, in FLASH, with a banner and an Acknowledge button.
    const atM = m.page.locator(`[data-id="${id}"]`);
    await atM.waitFor();
    assert.equal(await atM.locator('.precedence').textContent(), 'FLASH');
    await m.page.getByTestId('flash-banner').waitFor();
    await atM.locator('[data-status]').first().waitFor();
    await atM.getByRole('button', { name: 'Acknowledge' }).click();
    await atM.locator('[data-status="acknowledged"]').waitFor();
    await m.page.getByTestId('flash-banner').waitFor({ state: 'detached' });

    // Washington sees it acknowledged, by Moscow's duty officer, without a reload.
    const status = w.page.locator(`[data-id="${id}"] [data-status="acknowledged"]`);
    await status.waitFor();
    assert.match((await status.textContent()) ?? '', /Acknowledged by duty \(Moscow\)/);
    // Named in people's words: the message's first words, party and time, not its reference.
    const ack = w.page.locator('li[data-kind="ack"]', { hasText: 'duty (Moscow) acknowledged message “Aircraft approaching your border' });
    await ack.waitFor();
    assert.match(await ack.innerText(), /“Aircraft approaching your border at 09:40: not…” \(Washington, \d\d:\d\d:\d\d\)/);
    assert.ok(!(await ack.innerText()).includes(id!), 'no internal reference');

    // A translator on Moscow attaches a translation; it shows beside the original at Washington.
    const tr = await openConsole(browser, M.proc.url, 'tr', PASSWORD);
    try {
      await openTranscript(tr.page);
      await tr.page.locator('.tr-readonly').waitFor();
      assert.equal(await tr.page.getByTestId('compose').count(), 0, 'translators do not send');
      const item = tr.page.locator(`[data-id="${id}"]`);
      assert.equal(await item.getByRole('button', { name: 'Acknowledge' }).count(), 0, 'translators do not acknowledge');
      await item.getByRole('button', { name: 'Add a translation' }).click();
      const form = item.getByTestId('translate');
      await form.getByLabel('Translated text').fill('Самолёт приближается к вашей границе в 09:40: не враждебен.');
      await form.getByLabel('Into').selectOption('ru');
      await form.getByLabel('Stage').selectOption('official');
      await form.getByRole('button', { name: 'Attach the translation' }).click();
      await item.locator('.tr-translation[data-lang="ru"]').waitFor();
    } finally {
      await tr.context.close();
    }
    const translation = w.page.locator(`[data-id="${id}"] .tr-translation[data-lang="ru"][data-stage="official"]`);
    await translation.waitFor();
    assert.match((await translation.textContent()) ?? '', /tr \(Moscow\).*Самолёт приближается/s);
    const original = await w.page.locator(`[data-id="${id}"] .tr-original`).boundingBox();
    const beside = await w.page.locator(`[data-id="${id}"] .tr-translations`).boundingBox();
    assert.ok(original && beside && beside.x > original.x + original.width - 1 && Math.abs(beside.y - original.y) < 5, 'translation beside the original on a wide screen');

    // A template, in Russian: the form shows its title and text, and sends it by number.
    await compose.getByLabel('Template').selectOption('1');
    await compose.getByLabel('Language').selectOption('ru');
    await compose.getByRole('heading', { name: '1. Exercise ends' }).waitFor();
    await compose.getByText('Наши учения завершены.').waitFor();
    assert.equal(await compose.getByLabel('Precedence').inputValue(), 'IMMEDIATE');
    await compose.getByRole('button', { name: /^Send/ }).click();
    const fromTemplate = message(w.page, 'Наши учения завершены.');
    await fromTemplate.waitFor();
    assert.match((await fromTemplate.textContent()) ?? '', /Template 1/);
    assert.equal(await fromTemplate.locator('.precedence').textContent(), 'IMMEDIATE');
    await message(m.page, 'Наши учения завершены.').getByRole('button', { name: 'Acknowledge' }).waitFor();

    // Earlier entries on request, keeping what is shown.
    await w.page.getByRole('button', { name: /^Load \d+ earlier entries$/ }).click();
    await w.page.locator('.tr-count', { hasText: /^All \d+ entries$/ }).waitFor();
    await message(w.page, 'Routine 0').waitFor({ state: 'attached' });
  } finally {
    await w.context.close();
    await m.context.close();
  }
});
