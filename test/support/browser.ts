import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stationKeyHashes } from './station.ts';

// Debian's Chromium, driven by playwright-core: nothing is downloaded. The
// fake media flags give every page a microphone (a test tone) without a prompt.
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Chromium trusts exactly the certificates of the stations this test
 * started (by the SHA-256 of their public keys), as a ministry's browsers
 * trust its PKI: any other certificate is still refused. So launch the
 * browser after starting the stations.
 */
export async function launchBrowser(keyHashes: string[] = stationKeyHashes()): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-quic', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
      ...(keyHashes.length > 0 ? [`--ignore-certificate-errors-spki-list=${keyHashes.join(',')}`] : []),
    ],
  });
}

/** A console page signed in to the station at `url` as `member` (through the login form, as a person would). */
export async function openConsole(browser: Browser, url: string, member: string, password: string, options: { locale?: string; timezoneId?: string; viewport?: { width: number; height: number }; bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'UTC',
    viewport: options.viewport ?? { width: 1366, height: 800 },
    permissions: ['microphone', 'notifications'],
    bypassCSP: options.bypassCSP,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[console ${member}] page error: ${e.message}`));
  await page.goto(url);
  await page.getByLabel(/^(Name|Имя|Ім'я|Nom)$/).fill(member);
  await page.getByLabel(/^(Password|Пароль|Mot de passe)$/).fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.top').waitFor();
  return { context, page };
}
