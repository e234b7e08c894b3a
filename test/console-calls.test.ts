import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, fetchStation } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// Voice calls between two consoles in real browsers (Debian's Chromium with a
// fake microphone) through two real linked stations: ring, accept, hear the
// other side (WebRTC stats), hang up; decline with a reason; ring out
// unanswered; each side's readout, side by side; and a console that refuses
// a call whose SDP does not carry the fingerprint its record names.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;
let wp: Page;
let mp: Page;
/** Moscow's duty officer, whose console hears its station through a hook that can lie about the call record. */
let dp: Page;
let tamper = false;
const BOGUS = `sha-256 ${Array(32).fill('AB').join(':')}`;
const LINE = 'deconfliction';

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { chief: 'principal', duty: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], LINE, ['chief', 'duty']);
  browser = await launchBrowser();
  wp = (await openConsole(browser, W.proc.url, 'chief', PASSWORD)).page;
  mp = (await openConsole(browser, M.proc.url, 'chief', PASSWORD)).page;
  const duty = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  dp = duty.page;
  // A station in the middle, as far as this console can tell: the call views it
  // hears name another caller fingerprint than the one the offer carries.
  await duty.context.routeWebSocket(/\/v1\/events/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (!tamper || typeof message !== 'string') return ws.send(message);
      const e = JSON.parse(message);
      if ((e.type === 'call' || e.type === 'call.ringing') && e.call?.fingerprints?.caller) e.call.fingerprints.caller = BOGUS;
      ws.send(JSON.stringify(e));
    });
    ws.onMessage((message) => server.send(message));
  });
  await dp.reload();
  await dp.locator('header.top').waitFor();
  for (const p of [wp, mp, dp]) {
    await p.evaluate((line) => (location.hash = `#/lines/${line}/calls`), LINE);
    await p.locator('[data-view="Calls"]').waitFor();
  }
});
after(async () => {
  await browser?.close();
  await stop?.();
});

/** The audio this page receives, as WebRTC counts it. */
async function inbound(page: Page): Promise<{ packets: number; level: number; energy: number } | null> {
  return page.evaluate(async () => {
    const call = (window as unknown as { __hotlineCall?: { pc: RTCPeerConnection } }).__hotlineCall;
    if (!call) return null;
    let found: { packets: number; level: number; energy: number } | null = null;
    (await call.pc.getStats()).forEach((s: any) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') found = { packets: s.packetsReceived ?? 0, level: s.audioLevel ?? 0, energy: s.totalAudioEnergy ?? 0 };
    });
    return found;
  });
}

async function placeCall(page: Page, to: string) {
  await page.getByLabel('Person to ask for (optional)').fill(to);
  await page.getByRole('button', { name: 'Place call' }).click();
  await page.locator('[data-testid="call-panel"][data-phase="calling"]').waitFor();
}

const row = (page: Page, status: string) => page.locator(`[data-testid="calls-table"] tr[data-status="${status}"]`);
const ringing = (page: Page) => page.evaluate(() => (window as unknown as { __hotlineRinging?: boolean }).__hotlineRinging === true);

const T0 = Date.now(); const mark = (what: string) => process.env.CALLS_TRACE && console.log(`[${Date.now() - T0} ms] ${what}`);
test('a call rings, is accepted, carries voice both ways, and hangs up with a duration', { timeout: 60_000 }, async () => {
  mark('start');
  await placeCall(wp, 'chief');
  mark('calling');
  const dialog = mp.getByRole('alertdialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /chief of Washington is calling/);
  assert.match(await dialog.innerText(), /Asking for chief/);
  assert.equal(await mp.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'call-accept', 'focus is on Accept');
  assert.equal(await ringing(mp), true, 'the ring sounds');
  await row(wp, 'ringing').waitFor();

  mark('ringing');
  await dp.getByRole('alertdialog').waitFor();
  await mp.getByRole('button', { name: 'Accept' }).click();
  mark('accepted');
  await dialog.waitFor({ state: 'detached' });
  // Answered elsewhere: the duty officer's console stops ringing too.
  await dp.getByRole('alertdialog').waitFor({ state: 'detached' });
  assert.equal(await ringing(dp), false);
  assert.equal(await ringing(mp), false, 'the ring stopped');
  for (const p of [wp, mp]) {
    await p.locator('[data-testid="call-panel"][data-phase="accepted"] [data-voice="connected"]').waitFor({ timeout: 20_000 });
    await p.getByTestId('call-timer').waitFor();
    assert.match(await p.getByTestId('call-timer').innerText(), /^\d\d:\d\d$/);
  }

  mark('connected');
  // Each side sees its own microphone's level in the call panel (the fake device plays a tone).
  for (const p of [wp, mp]) {
    await p.waitForFunction(() => Number(document.querySelector('[data-testid="call-panel"] [data-testid="mic-level"]')?.getAttribute('data-level') ?? 0) > 0.01, undefined, { timeout: 10_000 });
  }
  // Both sides hear the other: packets keep arriving, and they carry sound.
  const first = await Promise.all([inbound(wp), inbound(mp)]);
  await new Promise((r) => setTimeout(r, 2000));
  const second = await Promise.all([inbound(wp), inbound(mp)]);
  for (const [i, side] of ['Washington', 'Moscow'].entries()) {
    assert.ok(first[i] && second[i], `${side} has inbound audio`);
    assert.ok(second[i]!.packets > first[i]!.packets + 20, `${side}: packets rise (${first[i]!.packets} → ${second[i]!.packets})`);
    assert.ok(second[i]!.energy > 0 || second[i]!.level > 0, `${side}: the audio has energy (${JSON.stringify(second[i])})`);
  }

  // Mute silences our track, unmute brings it back.
  const mute = wp.getByTestId('call-mute');
  await mute.click();
  assert.equal(await mute.getAttribute('aria-pressed'), 'true');
  assert.equal(await wp.evaluate(() => (window as any).__hotlineCall.pc.getSenders().every((s: RTCRtpSender) => !s.track || !s.track.enabled)), true);
  await mute.click();
  assert.equal(await wp.evaluate(() => (window as any).__hotlineCall.pc.getSenders().every((s: RTCRtpSender) => !s.track || s.track.enabled)), true);

  mark(`stats ${JSON.stringify(second)}`);
  await wp.getByTestId('call-hangup').click();
  for (const p of [wp, mp]) {
    await p.locator('[data-testid="call-outcome"][data-status="ended"]').waitFor();
    await row(p, 'ended').waitFor();
    assert.match(await row(p, 'ended').innerText(), /Ended — lasted \d+:\d\d/);
    await p.getByTestId('call-dismiss').click();
  }
});

test('the microphone is chosen and tested before a call: the choice is kept in this browser, the meter moves', { timeout: 30_000 }, async () => {
  await mp.evaluate((line) => (location.hash = `#/lines/${line}/calls`), LINE);
  const check = mp.getByTestId('mic-check');
  await check.waitFor();
  await check.getByTestId('mic-test').click();
  await mp.waitForFunction(() => Number(document.querySelector('[data-testid="mic-check"] [data-testid="mic-level"]')?.getAttribute('data-level') ?? 0) > 0.01, undefined, { timeout: 10_000 });
  // Once the page may use a microphone, the devices have names; another is chosen and kept.
  const options = await check.getByTestId('mic-choose').locator('option').allInnerTexts();
  assert.ok(options.length >= 2 && options.some((o) => /Fake/i.test(o)), options.join(' | '));
  const second = await check.getByTestId('mic-choose').locator('option').nth(1).getAttribute('value');
  await check.getByTestId('mic-choose').selectOption(second!);
  assert.equal(await mp.evaluate(() => localStorage.getItem('hotline.microphone')), second);
  await check.getByTestId('mic-test').click();
  await mp.waitForFunction(() => Number(document.querySelector('[data-testid="mic-check"] [data-testid="mic-level"]')?.getAttribute('data-level') ?? 0) > 0.01, undefined, { timeout: 10_000 });
  await check.getByTestId('mic-test').click();
  await check.getByTestId('mic-level').waitFor({ state: 'detached' });
});

test('a declined call, with its reason, is declined on both consoles', { timeout: 30_000 }, async () => {
  await placeCall(wp, 'chief');
  const dialog = mp.getByRole('alertdialog');
  await dialog.waitFor();
  await mp.getByLabel('Reason for declining (optional)').fill('The Minister is travelling.');
  await mp.getByRole('button', { name: 'Decline' }).click();
  await dialog.waitFor({ state: 'detached' });
  const outcome = wp.locator('[data-testid="call-outcome"][data-status="declined"]');
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /Declined by chief: “The Minister is travelling\.”/);
  for (const p of [wp, mp]) {
    await row(p, 'declined').waitFor();
    assert.match(await row(p, 'declined').innerText(), /The Minister is travelling\./);
  }
  await wp.getByTestId('call-dismiss').click();
});

test('a call nobody answers rings out as unanswered on both consoles', { timeout: 40_000 }, async () => {
  const r = await W.as('root', 'PATCH', `/v1/lines/${LINE}/settings`, { ringSeconds: 5 });
  assert.equal(r.status, 201, r.text);
  await placeCall(wp, 'chief');
  const dialog = mp.getByRole('alertdialog');
  await dialog.waitFor();
  await wp.locator('[data-testid="call-outcome"][data-status="unanswered"]').waitFor({ timeout: 20_000 });
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await ringing(mp), false, 'the ring stopped');
  for (const p of [wp, mp]) await row(p, 'unanswered').waitFor();
  await wp.getByTestId('call-dismiss').click();
  // The callee's Lines page marks the missed call, and so does its alarm bar (in words, not as an id).
  await mp.evaluate(() => (location.hash = '#/lines'));
  assert.equal(await mp.locator(`[data-line="${LINE}"] [data-missed-calls]`).getAttribute('data-missed-calls'), '1');
  assert.match(await mp.getByTestId('alarm-bar').locator('[data-alarm-kind="call-missed"]').innerText(), /Missed call from chief of Washington/);
});

test('readouts: each side publishes its own, and both read them side by side', { timeout: 40_000 }, async () => {
  const texts = { Washington: 'The Secretary discussed the importance of maintaining lines of communication.', Moscow: 'The ministers discussed issues of international security.' };
  for (const [p, party] of [[wp, 'Washington'], [mp, 'Moscow']] as const) {
    await p.evaluate((line) => (location.hash = `#/lines/${line}/readouts`), LINE);
    await p.getByTestId('readout-draft').waitFor();
    await p.getByLabel('Draft text').fill(texts[party]);
    await p.getByRole('button', { name: 'Save draft' }).click();
    await p.getByTestId('readout-status').filter({ hasText: 'Draft saved' }).waitFor();
    await p.getByLabel('Public — for a press statement').check();
    await p.getByTestId('readout-publish').click();
    // Asked first: the record is for good, and a public readout is for anyone.
    assert.match(await p.getByTestId('readout-confirm').innerText(), /cannot be withdrawn.*It will be public/s);
    await p.getByTestId('readout-confirm-publish').click();
    await p.getByTestId('readout-status').filter({ hasText: 'Published.' }).waitFor();
  }
  for (const p of [wp, mp]) {
    for (const party of ['Washington', 'Moscow'] as const) {
      await p.locator(`.readout-column[data-party="${party}"] .readout-text`, { hasText: texts[party] }).waitFor();
    }
  }
  // A second version comes first; the first stays, one click away.
  await wp.getByLabel('Draft text').fill('Corrected: the Secretary and the Minister discussed deconfliction.');
  await wp.getByTestId('readout-publish').click();
  assert.doesNotMatch(await wp.getByTestId('readout-confirm').innerText(), /public/, 'not public this time');
  await wp.getByTestId('readout-confirm-publish').click();
  const column = mp.locator('.readout-column[data-party="Washington"]');
  await column.locator('.readout-version[data-version="2"]').waitFor();
  assert.match(await column.locator('.readout-version').first().innerText(), /Corrected/);
  await column.getByText('Earlier versions (1)').click();
  await column.locator('details .readout-version[data-version="1"]').waitFor();
  const pub = await (await fetchStation(`${W.proc.url}/v1/public/readouts`)).json() as { readouts: Array<{ party: string; text: string }> };
  assert.ok(pub.readouts.some((x) => x.party === 'Moscow' && x.text === texts.Moscow), 'the public readout is listed');
});

test('a console refuses a call whose offer does not carry the recorded fingerprint, and the caller can cancel', { timeout: 40_000 }, async () => {
  await W.as('root', 'PATCH', `/v1/lines/${LINE}/settings`, { ringSeconds: 60 });
  for (const p of [wp, mp, dp]) {
    await p.evaluate((line) => (location.hash = `#/lines/${line}/calls`), LINE);
    await p.locator('[data-view="Calls"]').waitFor();
  }
  tamper = true;
  try {
    await placeCall(wp, 'chief');
    await dp.getByRole('alertdialog').waitFor();
    await mp.getByRole('alertdialog').waitFor();
    await dp.getByRole('button', { name: 'Accept' }).click();
    const warning = dp.getByTestId('call-problem');
    await warning.waitFor();
    assert.equal(await warning.getAttribute('role'), 'alert');
    assert.match(await warning.innerText(), /Warning:.*not the one recorded/s);
    assert.equal(await dp.locator('[data-testid="call-panel"]').getAttribute('data-phase'), 'over');
    assert.equal(await dp.evaluate(() => (window as unknown as { __hotlineCall?: unknown }).__hotlineCall === undefined), true, 'no voice was connected');
    // Nothing was accepted: it still rings for the chief, until Washington withdraws it.
    assert.equal((await M.as('chief', 'GET', `/v1/lines/${LINE}/calls`)).json.calls[0].status, 'ringing');
    await wp.getByTestId('call-cancel').click();
    await mp.getByRole('alertdialog').waitFor({ state: 'detached' });
    await wp.locator('[data-testid="call-outcome"][data-status="cancelled"]').waitFor();
    for (const p of [wp, mp]) await row(p, 'cancelled').waitFor();
  } finally {
    tamper = false;
  }
});
