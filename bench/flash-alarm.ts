import { launchBrowser, openConsole } from '../test/support/browser.ts';
import { linkedStations, shareLine } from '../test/support/linked.ts';
import { PASSWORD } from '../test/support/station.ts';
import { summarize } from './stats.ts';

/**
 * A FLASH sent at Washington → the alarm on a Moscow console that shows
 * another line's Notices tab: two real stations, linked; Chromium on
 * Moscow's console. The clock starts before the POST at Washington and
 * stops when the alarm's row is in the page (noted by a MutationObserver on
 * the page's high-resolution clock, which shares its origin with this process's). After each sample the alarm
 * is acknowledged, so the bar holds one alarm at a time.
 */
export async function flashToAlarm(samples = 30) {
  const { stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { heartbeatMs: 500 });
  const browser = await launchBrowser();
  try {
    await shareLine(W, [M], 'deconfliction', ['duty'], { title: 'Deconfliction line' });
    await shareLine(W, [M], 'aviation', ['duty'], { title: 'Aviation safety' });
    const { page } = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
    await page.goto(`${M.proc.url}/#/lines/aviation/notices`);
    await page.waitForFunction(() => document.querySelector('.live.on') !== null);
    // The page notes when each alarm row appears (a MutationObserver, on the page's clock: timeOrigin + now, comparable with ours).
    await page.evaluate(() => {
      const seen: Record<string, number> = ((window as any).__alarmSeen = {});
      new MutationObserver(() => {
        for (const e of document.querySelectorAll('[data-alarm-kind="flash"] .alarm-text')) {
          const text = e.textContent ?? '';
          if (!(text in seen)) seen[text] = performance.timeOrigin + performance.now();
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const times: number[] = [];
    for (let i = 0; i < samples + 2; i++) {
      const text = `Launch detected, track ${i} follows.`;
      const started = performance.timeOrigin + performance.now();
      const sent = await W.as('duty', 'POST', '/v1/lines/deconfliction/messages', { text, precedence: 'FLASH' });
      if (sent.status !== 201) throw new Error(`send: ${sent.status} ${sent.text}`);
      const at = await (await page.waitForFunction((t: string) => Object.entries((window as any).__alarmSeen as Record<string, number>).find(([k]) => k.includes(t))?.[1], text, { timeout: 15_000 })).jsonValue() as number;
      const took = at - started;
      if (i >= 2) times.push(took); // the first two warm the page and the link
      const open = (await M.as('duty', 'GET', '/v1/alarms?open=true')).json.alarms;
      for (const a of open) await M.as('duty', 'POST', `/v1/alarms/${a.id}/ack`, {});
      await page.waitForFunction(() => document.querySelector('[data-alarm-kind="flash"]') === null, undefined, { timeout: 15_000 });
    }
    return summarize(times);
  } finally {
    await browser.close();
    await stop();
  }
}
