import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD, ROOT, api } from './support/station.ts';
import { linkedStations, type Linked } from './support/linked.ts';
import { launchBrowser } from './support/browser.ts';

// Issue 9's sign-in and security screens in a real Chromium against a real
// station process: TOTP enrolled in the console and used to sign in with a
// code computed here; a passkey registered and used through Chromium's
// virtual authenticator; recovery codes; API tokens made and revoked; an
// admin unlocking a locked member and disabling one (whose console returns to
// sign-in); a role made to enrol; the security log read and exported by an
// auditor. axe-core checks every new screen; the screenshots come from here.

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = join(ROOT, 'docs/screenshots');
let W: Linked;
let stop: () => Promise<void>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

before(async () => {
  ({ stations: [W], stop } = await linkedStations(['Washington'], { duty: 'duty_officer', keyholder: 'principal', clumsy: 'duty_officer', linguist: 'translator', auditor: 'auditor', watch: 'duty_officer', hasty: 'duty_officer' }));
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stop?.();
});

/** A fresh tab at the station (under its real CSP), optionally at another host name for the same station. */
async function fresh(host?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Paris' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[console] page error: ${e.message}`));
  const url = new URL(W.proc.url);
  if (host) url.hostname = host;
  await page.goto(url.href);
  return page;
}

/** Name and password through the form; the caller waits for what comes next. */
async function password(page: Page, member: string, secret = PASSWORD): Promise<void> {
  await page.locator('input[name=name]').fill(member);
  await page.locator('input[name=password]').fill(secret);
  await page.locator('form button[type=submit]').click();
}

/** axe-core (WCAG 2.x A/AA and best practices) on the page as it is; serious and critical violations are collected. */
async function axe(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the console itself stays under it.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${what}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join('; ')}`);
  }
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await page.locator('input[name=name]').waitFor();
}

/** A code for the next 30-second step: the station refuses a step it has already accepted, and allows one step of drift. */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

let recoveryCodes: string[] = [];
let totpSecret = '';

test('TOTP: enrolled on the Security page, then sign-in asks for a code (computed here) and takes a recovery code once', { timeout: 120_000 }, async () => {
  const page = await fresh();
  await password(page, 'duty');
  await page.locator('header.top').waitFor();
  // A reload revalidates index.html (a 304): the console must come back under its own CSP, still signed in.
  const csp = page.waitForResponse((r) => new URL(r.url()).pathname === '/');
  await page.reload();
  assert.match((await (await csp).allHeaders())['content-security-policy'] ?? '', /script-src 'self'|default-src 'self'/, 'the reloaded page keeps the console\'s CSP');
  await page.locator('header.top').waitFor();
  await page.locator('[data-nav=security]').click();
  await page.getByRole('heading', { name: 'Second factors' }).waitFor();
  await page.getByTestId('credentials').waitFor();
  assert.match(await page.getByTestId('totp-state').innerText(), /Not set up/);
  await axe(page, 'security');

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secretBox = page.getByTestId('totp-secret');
  totpSecret = (await secretBox.getAttribute('data-secret')) ?? '';
  assert.match(totpSecret, /^[A-Z2-7]{16,}$/, 'a base32 secret is shown');
  assert.equal((await secretBox.innerText()).replace(/\s/g, ''), totpSecret, 'the shown text is the secret');
  const uri = await page.getByTestId('totp-uri').innerText();
  assert.match(uri, /^otpauth:\/\/totp\//);
  assert.equal(new URL(uri).searchParams.get('secret'), totpSecret);
  await axe(page, 'security (enrolling TOTP)');
  await page.screenshot({ path: join(SHOTS, 'security.png') });

  await page.getByLabel('Code from the app').fill(await generate({ secret: totpSecret }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  const codes = page.getByTestId('recovery-codes').locator('li');
  await codes.first().waitFor();
  recoveryCodes = await codes.allInnerTexts();
  assert.equal(recoveryCodes.length, 10);
  assert.equal(new Set(recoveryCodes).size, 10);
  assert.match(await page.locator('.once .warning').innerText(), /only this once/);
  await axe(page, 'security (recovery codes shown)');
  await page.getByRole('button', { name: 'I have stored it safely' }).click();
  await page.getByTestId('recovery-codes').waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('totp-state').innerText(), /^On/);
  assert.match(await page.getByTestId('recovery-left').innerText(), /^10 unused/);

  // Signing in now takes the password, then the code.
  await signOut(page);
  await password(page, 'duty');
  const step = page.getByTestId('second-factor');
  await step.waitFor();
  await page.getByLabel('Code from your authenticator app').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'code', 'focus goes to the code');
  await axe(page, 'sign-in, second step');
  await page.screenshot({ path: join(SHOTS, 'sign-in-second-factor.png') });
  const good = await nextCode(totpSecret);
  await page.getByLabel('Code from your authenticator app').fill(good === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').filter({ hasText: 'was not accepted' }).waitFor();
  await page.getByLabel('Code from your authenticator app').fill(good);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('header.top').waitFor();

  // A recovery code works in place of the app, once.
  await signOut(page);
  await password(page, 'duty');
  await step.waitFor();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('header.top').waitFor();
  await page.locator('[data-nav=security]').click();
  await page.getByTestId('recovery-left').filter({ hasText: /^9 unused/ }).waitFor();

  // New codes replace the old ones, shown once again.
  await page.getByRole('button', { name: 'Make new recovery codes' }).click();
  const fresh10 = await page.getByTestId('recovery-codes').locator('li').allInnerTexts();
  assert.equal(fresh10.length, 10);
  assert.ok(!fresh10.includes(recoveryCodes[1]), 'the old codes are not among the new');
  await page.getByRole('button', { name: 'I have stored it safely' }).click();
  await page.getByTestId('recovery-left').filter({ hasText: /^10 unused/ }).waitFor();
});

test('an API token is created from the console, works, is shown once, and stops working when revoked there', { timeout: 60_000 }, async () => {
  const page = await fresh();
  await password(page, 'keyholder');
  await page.locator('header.top').waitFor();
  await page.goto(`${W.proc.url}/#/security`);
  await page.getByTestId('credentials').waitFor();
  const current = page.locator('[data-testid=credentials] tbody tr').filter({ hasText: 'This session' });
  assert.equal(await current.count(), 1, 'the session in use is marked');
  await page.locator('input[name=token-label]').fill('readout-bot');
  await page.locator('input[name=token-days]').fill('7');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').innerText()).trim();
  assert.ok(token.length >= 20, 'the token is shown');
  const me = await api(W.proc.url, token, 'GET', '/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.name, 'keyholder');
  const row = page.locator('[data-credential="readout-bot"]');
  await row.waitFor();
  assert.match(await row.innerText(), /API token/);
  await page.getByRole('button', { name: 'I have stored it safely' }).click();
  await page.getByTestId('new-token').waitFor({ state: 'detached' });
  assert.equal(await page.getByText(token).count(), 0, 'the token is not shown again');

  await page.getByRole('button', { name: 'Revoke readout-bot' }).click();
  await page.getByRole('status').filter({ hasText: '“readout-bot” revoked.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await api(W.proc.url, token, 'GET', '/v1/me')).status, 401);

  // The page in the member's language (and back: the choice is remembered per member).
  await page.getByTestId('language').selectOption('fr');
  await page.getByRole('heading', { name: 'Sessions et jetons d\'API' }).waitFor();
  await page.getByTestId('language').selectOption('en');
  await page.getByRole('heading', { name: 'Sessions and API tokens' }).waitFor();
});

test('too many wrong passwords in a row: the console says how long to wait (Retry-After) before the lock', { timeout: 60_000 }, async () => {
  // Each wrong password past the first few makes the next attempt wait twice as long; trying
  // again at once is refused with 429 and Retry-After, which the console puts in words.
  const page = await fresh();
  let status = 0;
  let retryAfter = '';
  for (let i = 0; i < 9 && status !== 429; i++) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/session' && r.request().method() === 'POST'),
      password(page, 'hasty', 'not the password'),
    ]);
    status = res.status();
    retryAfter = (await res.headerValue('retry-after')) ?? '';
    assert.ok([401, 429].includes(status), `401 or 429, got ${status}`);
    await page.locator('form button[type=submit]:not([disabled])').waitFor();
  }
  assert.equal(status, 429, 'an attempt was refused for coming too soon');
  assert.match(retryAfter, /^\d+$/);
  const n = Number(retryAfter);
  assert.equal(await page.getByRole('alert').innerText(), `Too many attempts. Wait ${n} ${n === 1 ? 'second' : 'seconds'} before trying again.`);
});

test('a passkey is registered and then used to sign in, with Chromium\'s virtual authenticator', { timeout: 90_000 }, async () => {
  // WebAuthn wants a secure context and a domain for the relying party: localhost, not 127.0.0.1.
  const page = await fresh('localhost');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await password(page, 'keyholder');
  await page.locator('header.top').waitFor();
  await page.locator('[data-nav=security]').click();
  await page.getByText('No passkeys yet.').waitFor();
  await page.getByLabel('Label for a new passkey').fill('watch-floor laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByRole('status').filter({ hasText: 'Passkey “watch-floor laptop” added.' }).waitFor();
  const row = page.locator('[data-testid=passkeys] tbody tr').filter({ hasText: 'watch-floor laptop' });
  await row.waitFor();
  assert.match(await row.innerText(), /Never/, 'not used to sign in yet');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'the authenticator holds one credential');
  assert.equal(credentials[0].rpId, 'localhost');
  await axe(page, 'security (with a passkey)');

  await signOut(page);
  await password(page, 'keyholder');
  await page.getByTestId('second-factor').waitFor();
  await page.getByRole('button', { name: 'Use a passkey', exact: true }).click();
  await page.locator('header.top').waitFor();
  await page.locator('[data-nav=security]').click();
  await row.waitFor();
  await eventuallyText(row, (s) => !/Never/.test(s), 'the passkey shows when it was last used');
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 1, 'the authenticator signed');

  // Removed, the passkey no longer opens the account: sign-in takes the password alone again.
  await page.getByRole('button', { name: 'Remove passkey watch-floor laptop' }).click();
  await page.getByText('No passkeys yet.').waitFor();
  await signOut(page);
  await password(page, 'keyholder');
  await page.locator('header.top').waitFor();
});

test('admin: policy set in the console, a member locked by failed sign-ins and unlocked, disabled (their console returns to sign-in) and enabled, a role changed', { timeout: 120_000 }, async () => {
  const admin = await fresh();
  await password(admin, 'root');
  await admin.locator('header.top').waitFor();
  await admin.locator('[data-nav=members]').click();
  await admin.getByTestId('members').waitFor();
  await admin.getByRole('heading', { name: 'Sign-in policy' }).waitFor();
  await admin.locator('input[name=lockout-failures]').fill('3');
  await admin.getByRole('button', { name: 'Save policy' }).click();
  await admin.getByRole('status').filter({ hasText: 'Policy saved.' }).waitFor();
  assert.equal((await W.as('root', 'GET', '/v1/security/policy')).json.lockout.failures, 3);

  // clumsy gets the password wrong until the account locks; the console says so in words.
  const clumsy = await fresh();
  let said = '';
  let status = 0;
  for (let i = 0; i < 6 && status !== 423; i++) {
    const [res] = await Promise.all([
      clumsy.waitForResponse((r) => new URL(r.url()).pathname === '/v1/session' && r.request().method() === 'POST'),
      password(clumsy, 'clumsy', 'not the password'),
    ]);
    status = res.status();
    assert.ok([401, 423].includes(status), `a wrong password is 401 until the lock (423), got ${status}`);
    await clumsy.locator('form button[type=submit]:not([disabled])').waitFor();
    said = await clumsy.getByRole('alert').innerText();
    assert.match(said, status === 401 ? /^Wrong name or password\.$/ : /locked until/);
  }
  assert.match(said, /This account is locked until .+ An admin of this station can unlock it sooner\./);

  await admin.reload();
  const row = admin.locator('[data-member="clumsy"]');
  await row.locator('[data-testid=member-state]').filter({ hasText: 'Locked until' }).waitFor();
  await axe(admin, 'members and policy');
  await admin.screenshot({ path: join(SHOTS, 'members.png') });
  await admin.getByRole('button', { name: 'Unlock clumsy' }).click();
  await admin.getByTestId('members-status').filter({ hasText: 'clumsy is unlocked.' }).waitFor();
  assert.equal(await row.locator('[data-testid=member-state]').innerText(), 'Active');

  await password(clumsy, 'clumsy');
  await clumsy.locator('header.top').waitFor();

  // Disabling ends clumsy's sessions at once; the open console goes back to sign-in and says why.
  await admin.getByRole('button', { name: 'Disable clumsy' }).click();
  await row.locator('[data-testid=member-state]').filter({ hasText: 'Disabled' }).waitFor();
  // No reload: the station closes clumsy's event stream, and the console's next request (a new ticket) is refused.
  await clumsy.getByTestId('session-ended').waitFor();
  assert.match(await clumsy.getByTestId('session-ended').innerText(), /Your session has ended/);
  await password(clumsy, 'clumsy');
  await clumsy.getByRole('alert').filter({ hasText: 'Wrong name or password.' }).waitFor();

  await admin.getByRole('button', { name: 'Enable clumsy' }).click();
  await admin.getByTestId('members-status').filter({ hasText: 'clumsy is enabled.' }).waitFor();
  await admin.getByLabel('Role of clumsy').selectOption('translator');
  await admin.getByRole('button', { name: 'Change role' }).click();
  await admin.getByTestId('members-status').filter({ hasText: 'clumsy is now translator.' }).waitFor();
  assert.equal((await W.as('root', 'GET', '/v1/members')).json.members.find((m: any) => m.name === 'clumsy').role, 'translator');
});

test('a role that must use a second factor: sign-in goes straight to enrolment, and the console opens once TOTP is on', { timeout: 90_000 }, async () => {
  const admin = await fresh();
  await password(admin, 'root');
  await admin.locator('header.top').waitFor();
  await admin.goto(`${W.proc.url}/#/members`);
  const box = admin.locator('input[name=require-translator]');
  await box.check();
  await admin.getByRole('button', { name: 'Save policy' }).click();
  await admin.getByRole('status').filter({ hasText: 'Policy saved.' }).waitFor();
  assert.equal((await W.as('root', 'GET', '/v1/security/policy')).json.secondFactor.translator, true);

  const page = await fresh();
  await password(page, 'linguist');
  await page.getByTestId('must-enrol').waitFor();
  assert.match(await page.getByTestId('must-enrol').innerText(), /requires members of your role to sign in with a second factor/);
  assert.equal(await page.locator('[data-nav]').count(), 0, 'nothing else is offered yet');
  await axe(page, 'security (must enrol)');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
  await page.getByLabel('Code from the app').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByRole('button', { name: 'I have stored it safely' }).click();
  await page.locator('[data-nav=lines]').click();
  await page.getByRole('heading', { name: 'Lines' }).waitFor();
  await page.getByTestId('must-enrol').waitFor({ state: 'detached' });
});

test('auditor: the security log, newest first, with its JSON-lines export; a duty officer is not offered it', { timeout: 60_000 }, async () => {
  const page = await fresh();
  await password(page, 'auditor');
  await page.locator('header.top').waitFor();
  assert.equal(await page.locator('[data-nav=members]').count(), 0, 'auditors do not manage members');
  await page.locator('[data-nav=security-log]').click();
  const table = page.getByTestId('security-log');
  await table.waitFor();
  const kinds = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
  for (const k of ['login.ok', 'login.failed', 'login.locked', 'login.unlocked', 'second_factor.enrolled', 'recovery_code.used', 'token.created', 'token.revoked', 'member.disabled', 'member.enabled', 'member.role_changed', 'policy.changed']) {
    assert.ok(kinds.includes(k), `the log shows ${k}`);
  }
  const first = await table.locator('tbody tr').first().getAttribute('data-kind');
  assert.equal(first, 'login.ok', 'the newest event (this sign-in) comes first');
  assert.match(await table.locator('tbody tr[data-kind="login.locked"]').first().innerText(), /Account locked\s+login\.locked\s+clumsy/);
  await axe(page, 'security log');
  await page.screenshot({ path: join(SHOTS, 'security-log.png') });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-log').click()]);
  assert.match(download.suggestedFilename(), /^security-log-Washington\.jsonl$/);
  const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= kinds.length, 'the export holds every event shown');
  assert.ok(lines.some((e) => e.kind === 'login.locked' && e.member === 'clumsy'));
  await page.getByRole('status').filter({ hasText: 'Downloaded security-log-Washington.jsonl.' }).waitFor();

  const duty = await fresh();
  await password(duty, 'watch');
  await duty.locator('header.top').waitFor();
  await duty.locator('[data-nav=security]').waitFor();
  assert.equal(await duty.locator('[data-nav=security-log]').count(), 0, 'a duty officer is not offered the log');
  await duty.goto(`${W.proc.url}/#/security-log`);
  await duty.getByRole('heading', { name: 'Lines' }).waitFor();
  const dutyApi = await W.as('duty', 'GET', '/v1/security/log');
  assert.equal(dutyApi.status, 403, 'the station refuses it to a duty officer');
});

test('every security string exists in all four languages, with the same placeholders', () => {
  const read = (lang: string) => JSON.parse(readFileSync(join(ROOT, `web/src/i18n/${lang}/security.json`), 'utf8')) as Record<string, string>;
  const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');
  const holes = (v: string) => [...v.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort().join(',');
  const en = read('en');
  const shape = (d: Record<string, string>) => new Map(Object.entries(d).map(([k, v]) => [base(k), holes(v)]));
  for (const lang of ['ru', 'uk', 'fr']) assert.deepEqual([...shape(read(lang))].sort(), [...shape(en)].sort(), lang);
});

test('every new screen passes axe-core with no serious or critical violation', () => {
  assert.deepEqual(problems, []);
});

async function eventuallyText(locator: ReturnType<Page['locator']>, ok: (s: string) => boolean, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  let last = '';
  while (Date.now() < until) {
    last = await locator.innerText();
    if (ok(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still "${last}"`);
}
