import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, cli, eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { launchBrowser, openConsole } from './support/browser.ts';

// The Notices, History and Audit tabs in a real browser against two linked
// stations: a notice filed by typing a circle, a conflicting one from the
// other side, acknowledged from the other console; the contact history with
// its CSV; the logs' cosignatures and an export bundle that verifies offline.

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let browser: Browser;
let dir: string;
const line = 'deconfliction';

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { chief: 'principal', duty: 'duty_officer' }, { schedulerMs: 100, heartbeatMs: 200 }));
  await shareLine(W, [M], line, ['chief', 'duty']);
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'hotline-console-notices-'));
});
after(async () => {
  await browser?.close();
  await stop?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function conflictShown(page: Page) {
  for (const party of ['Washington', 'Moscow']) {
    await page.locator(`li.notice-item[data-party="${party}"] .conflict-badge[data-conflict="true"]`).waitFor({ timeout: 15_000 });
  }
  assert.equal(await page.locator('li.notice-item[data-party="Washington"] .conflict-badge').innerText(), '⚠ CONFLICT');
  const outlines = page.locator('svg[data-testid="notice-map"] path.conflict-outline');
  await eventually(async () => (await outlines.count()) === 2, 'two conflict outlines on the map');
  for (const d of await outlines.evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''))) assert.match(d, /^M[\d.-]+,[\d.-]+L/, 'a drawn outline');
  assert.equal(await page.locator('svg[data-testid="notice-map"]').getAttribute('role'), 'img');
}

test('notices: file by typing a circle, see the conflict on both consoles, acknowledge; history with CSV; audit with a bundle that verifies', { timeout: 90_000 }, async () => {
  const w = await openConsole(browser, W.proc.url, 'duty', PASSWORD);
  const m = await openConsole(browser, M.proc.url, 'duty', PASSWORD);
  try {
    // Washington files a circle of 50 km around 30° E, 45° N by typing it.
    await w.page.goto(`${W.proc.url}/#/lines/${line}/notices`);
    const form = w.page.getByTestId('notice-form');
    await form.waitFor();
    await form.getByLabel('Kind').selectOption('exercise');
    await form.getByLabel('Description').fill('Air defence exercise, western Black Sea.');
    // Latitude first, in degrees and minutes; the band in flight levels (the station takes metres).
    await form.getByLabel('Unit').selectOption('FL');
    await form.getByLabel('Lower').fill('0');
    await form.getByLabel('Upper').fill('330');
    await form.getByText('= 0 m to 10058 m').waitFor();
    assert.ok(await form.getByLabel(/^Latitude/).evaluate((lat) => lat.compareDocumentPosition(document.querySelector('input[name=lon]')!) & Node.DOCUMENT_POSITION_FOLLOWING), 'latitude comes before longitude');
    // The centre can be picked on the map (then typed over: the test wants exact numbers).
    await form.getByTestId('pick-centre').click();
    const box = (await w.page.locator('svg[data-testid="notice-map"]').boundingBox())!;
    await w.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await eventually(async () => /^-?\d/.test(await form.getByLabel(/^Latitude/).inputValue()) && /^-?\d/.test(await form.getByLabel(/^Longitude/).inputValue()), 'the centre picked');
    await form.getByLabel(/^Latitude/).fill("45°00'N");
    await form.getByLabel(/^Longitude/).fill('30 E');
    await form.getByLabel(/^Radius/).fill('50');
    await form.getByRole('button', { name: 'File notice' }).click();
    await w.page.locator('li.notice-item[data-party="Washington"]').waitFor();
    const filed = (await W.as('duty', 'GET', `/v1/lines/${line}/notices`)).json.notices.find((n: any) => n.party === 'Washington');
    assert.deepEqual(filed.area, { type: 'Point', coordinates: [30, 45], radius: 50_000 });
    assert.deepEqual(filed.altitude, { lower: 0, upper: 10058 });
    assert.equal(filed.kind, 'exercise');
    assert.ok(filed.window.end > filed.window.start && filed.window.end > Date.now());

    // Moscow files an overlapping polygon through the API.
    const now = Date.now();
    const r = await M.as('duty', 'POST', `/v1/lines/${line}/notices`, {
      kind: 'flight_operations', text: 'Flights over the sea.',
      area: { type: 'Polygon', coordinates: [[[29.5, 44.5], [30.5, 44.5], [30.5, 45.5], [29.5, 45.5], [29.5, 44.5]]] },
      altitude: { lower: 5000, upper: 12000 }, window: { start: now, end: now + 24 * 3600_000 },
    });
    assert.equal(r.status, 201, r.text);

    await m.page.goto(`${M.proc.url}/#/lines/${line}/notices`);
    await conflictShown(w.page);
    await conflictShown(m.page);

    // A map that works as a tool: the two notices' numbers do not sit on each other, the sea is named, the edges carry
    // coordinates, and zooming in halves the scale bar's reach (or better).
    const map = w.page.locator('svg[data-testid="notice-map"]');
    const labels = await map.locator('text[data-label]').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
    assert.equal(labels.length, 2);
    const [a, b] = labels;
    assert.ok(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1], `the labels overlap: ${JSON.stringify(labels)}`);
    await map.locator('[data-place="Black Sea"]').waitFor();
    assert.ok(await map.locator('[data-coord="lat"]').count() >= 2 && await map.locator('[data-coord="lon"]').count() >= 2, 'coordinates on the edges');
    assert.match(await map.locator('[data-coord="lat"]').first().textContent() ?? '', /^\d+(\.\d+)?°[NS]$/);
    const before = Number(await map.getByTestId('map-scale').getAttribute('data-metres'));
    await w.page.getByTestId('map-zoom-in').click();
    await w.page.getByTestId('map-zoom-in').click();
    await eventually(async () => (await map.getAttribute('data-zoom')) === '4', 'zoomed in');
    const after = Number(await map.getByTestId('map-scale').getAttribute('data-metres'));
    assert.ok(after <= before / 2, `the scale bar: ${before} m, then ${after} m`);
    await w.page.getByTestId('map-fit').click();
    await eventually(async () => (await map.getAttribute('data-zoom')) === '1', 'back to the notices');

    // Moscow acknowledges Washington's notice from its console; there is nothing to acknowledge on its own.
    const theirs = m.page.locator('li.notice-item[data-party="Washington"]');
    assert.equal(await m.page.locator('li.notice-item[data-party="Moscow"] [data-action="ack"]').count(), 0);
    await theirs.locator('[data-action="ack"]').click();
    await theirs.locator('[data-acks="Moscow"]').waitFor();
    assert.equal(await theirs.locator('[data-action="ack"]').count(), 0);
    await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${line}/notices`)).json.notices.find((n: any) => n.party === 'Washington').acks.some((a: any) => a.party === 'Moscow' && a.by === 'duty'), 'ack at Washington');
    await w.page.locator('li.notice-item[data-party="Washington"] [data-acks="Moscow"]').waitFor();

    // History: a declined call, on the timeline and in the CSV.
    const call = (await W.as('chief', 'POST', `/v1/lines/${line}/calls`, { toParty: 'Moscow', to: 'chief' })).json.id;
    await eventually(async () => (await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/decline`, { reason: 'The Minister is not available.' })).status === 201, 'declined at Moscow');
    await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${line}/history`)).json.calls.declined === 1, 'decline at Washington');
    await w.page.goto(`${W.proc.url}/#/lines/${line}/history`);
    await w.page.locator(`[data-testid="call-timeline"] .timeline-mark[data-status="declined"][data-call="${call}"]`).waitFor();
    assert.equal(await w.page.locator('[data-testid="call-counts"] dd').nth(2).innerText(), '1');
    await w.page.locator('[data-testid="uptime-chart"] [data-peer="Moscow"] rect[data-status="up"]').first().waitFor();
    const [csv] = await Promise.all([w.page.waitForEvent('download'), w.page.locator('[data-action="export-csv"]').click()]);
    assert.equal(csv.suggestedFilename(), `${line}-history.csv`);
    const text = readFileSync((await csv.path())!, 'utf8');
    assert.ok(text.startsWith('time_utc,'), text);
    assert.match(text, new RegExp(`,${call},Washington,chief,Moscow,chief,declined,,The Minister is not available\\.`));

    // Audit: each log cosigned by the other party; the bundle verifies offline with the pinned keys.
    await w.page.goto(`${W.proc.url}/#/lines/${line}/audit`);
    await w.page.locator('[data-log="Washington"] tr[data-cosigner="Moscow"][data-role="peer"]').waitFor();
    await w.page.locator('[data-log="Moscow"] tr[data-cosigner="Washington"]').waitFor();
    await w.page.locator('[data-log="Washington"] pre.note').waitFor();
    assert.match(await w.page.locator('[data-log="Washington"] pre.note').innerText(), /^hotline\/line\/deconfliction\/Washington\n\d+\n/);
    const { parties } = (await W.as('duty', 'GET', `/v1/lines/${line}`)).json as { parties: Array<{ name: string; key: string }> };
    const command = await w.page.getByTestId('verify-command').innerText();
    for (const p of parties) assert.ok(command.includes(`--key ${p.key}`), command);
    const [bundle] = await Promise.all([w.page.waitForEvent('download'), w.page.locator('[data-action="export-bundle"]').click()]);
    assert.equal(bundle.suggestedFilename(), `${line}.hotline.json`);
    const file = join(dir, bundle.suggestedFilename());
    await bundle.saveAs(file);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).line.id, line);
    const verified = await cli(['verify', '--bundle', file, ...parties.flatMap((p) => ['--key', p.key])]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /ok {2}Washington: \d+ entries verified/);
    assert.match(verified.stdout, /ok {2}Moscow: \d+ entries verified/);
  } finally {
    await w.context.close();
    await m.context.close();
  }
});
