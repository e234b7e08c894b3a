import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../test/support/browser.ts';
import { linkedStations, shareLine } from '../test/support/linked.ts';
import { summarize } from './stats.ts';

/** The console's JavaScript as shipped: raw and gzipped bytes of every script the station serves. */
export function consoleSize(root = process.cwd()) {
  const dir = join(root, 'web/dist/assets');
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.js')) continue;
    const bytes = readFileSync(join(dir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/**
 * Time from navigation to a usable line view on loopback, with `entries`
 * messages in the line: the page is opened already signed in (a token in
 * sessionStorage, as after a sign-in) at the line's transcript, and the clock
 * stops when the newest message is on screen and the compose form is ready.
 * Also the floor: the same navigation to a page of the same size served from
 * the same station (the sign-in page), so the ratio shows what the line costs.
 */
export async function consoleTimeToUsable(entries = 10_000, samples = 7) {
  const { stations: [W], stop } = await linkedStations(['Washington'], { duty: 'duty_officer' });
  const browser = await launchBrowser();
  try {
    const line = await shareLine(W, [], 'deconfliction', ['duty']);
    const batch = 200;
    for (let i = 0; i < entries; i += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, entries - i) }, (_, k) => W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: `Position report ${i + k}: unchanged.`, precedence: 'ROUTINE' })));
    }
    const last = `Position report ${entries - 1}: unchanged.`;
    const times: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < samples + 1; i++) {
      const context = await browser.newContext();
      await context.addInitScript((token: string) => sessionStorage.setItem('hotline.token', token), W.tokens.duty);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${W.proc.url}/#/lines/${line}/transcript`);
      await page.getByText(last).first().waitFor({ timeout: 30_000 });
      await page.locator('[data-testid=compose] textarea, [data-testid=compose] button').first().waitFor();
      const took = performance.now() - started;
      await context.close();
      const bare = await browser.newContext();
      const p2 = await bare.newPage();
      const s2 = performance.now();
      await p2.goto(W.proc.url);
      await p2.locator('form button[type=submit]').waitFor();
      const bareMs = performance.now() - s2;
      await bare.close();
      if (i > 0) {
        times.push(took);
        floor.push(bareMs);
      }
    }
    return { entries, usable: summarize(times), signInPage: summarize(floor) };
  } finally {
    await browser.close();
    await stop();
  }
}
