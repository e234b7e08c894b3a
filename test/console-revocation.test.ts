import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fingerprint } from '../src/station/identity.ts';
import { launchBrowser, openConsole } from './support/browser.ts';
import { linkedStations, shareLine } from './support/linked.ts';
import { eventually, PASSWORD } from './support/station.ts';

// The console after a stolen key was revoked: on the peer's console the
// entries the old key signed after the compromise carry a mark in words
// ("Disputed: …"), not colour alone; the key.revoke entry reads as a
// sentence; the Audit tab lists the revoked key and its confirmed replacement.

let browser: Browser | undefined;
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  await browser?.close();
  for (const c of cleanup) await c();
});

test('console: disputed entries are marked in words on the peer\'s transcript, and the Audit tab shows the revocation', { timeout: 120_000 }, async () => {
  const { stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' });
  cleanup.push(stop);
  const line = await shareLine(W, [M], 'revoked-console', ['duty']);
  const send = async (text: string) => {
    const r = await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text });
    assert.equal(r.status, 201, r.text);
    return r.json as { id: string; time: number };
  };
  const before = await send('Before the theft.');
  const T = before.time + 1;
  await eventually(async () => Date.now() > T, 'the clock past T');
  const stolen = await send('Perhaps the thief.');
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${encodeURIComponent(stolen.id)}`)).status === 200, 'at Moscow');

  const revoked = await W.as('root', 'POST', '/v1/station/key-revocation', { statement: readFileSync(join(W.dir.dir, 'revocation.txt'), 'utf8'), compromisedAt: T });
  assert.equal(revoked.status, 201, revoked.text);
  const fp = revoked.json.fingerprint as string;
  await eventually(async () => (await M.as('root', 'POST', '/v1/peers/Washington/revocation', { compromisedAt: T, fingerprint: fp })).status === 201, 'Moscow confirms', 60_000);
  await eventually(async () => {
    const items = (await M.as('duty', 'GET', `/v1/lines/${line}/transcript`)).json.items as any[];
    return items.some((i) => i.kind === 'key.revoke');
  }, 'the key.revoke at Moscow', 60_000);

  browser = await launchBrowser();
  const { context, page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    await page.evaluate((l) => (location.hash = `#/lines/${l}/transcript`), line);
    const item = (text: string) => page.locator('li[data-kind="message"]', { hasText: text });
    await item('Perhaps the thief.').waitFor();
    const mark = item('Perhaps the thief.').locator('[data-disputed="true"]');
    assert.match(await mark.innerText(), /Disputed: signed by a revoked key after its compromise/);
    assert.match(await mark.innerText(), /Washington's key was revoked/);
    assert.equal(await item('Perhaps the thief.').getAttribute('data-disputed'), 'true');
    assert.equal(await item('Before the theft.').locator('[data-disputed]').count(), 0);
    assert.match(await page.locator('li[data-kind="key.revoke"]').innerText(), /Washington revoked its key, compromised since/);

    await page.evaluate((l) => (location.hash = `#/lines/${l}/audit`), line);
    const entry = page.locator('[data-revoked="Washington"]');
    await entry.waitFor();
    const text = await entry.innerText();
    assert.ok(text.includes(fingerprint(W.dir.identity.vkey)), text);
    assert.ok(text.includes(`Replaced by key ${fp}`), text);
    // And this station's own key, as GET /v1/station/keys says.
    const own = (await M.as('duty', 'GET', '/v1/station/keys')).json as { fingerprint: string };
    assert.match(await page.locator('[aria-labelledby="audit-chain-title"]').innerText(), new RegExp(`Signing now: ${own.fingerprint}`));
  } finally {
    await context.close();
  }
});
