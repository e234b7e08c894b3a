import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/station/api/app.ts';
import { Station } from '../src/station/station.ts';
import { checkContract, readRecords, type ResponseRecord } from './support/contract-check.ts';
import { servedDocument } from './support/served-document.ts';
import { makeStationDir, PASSWORD } from './support/station.ts';

// The API contract: every response the station gave is one the OpenAPI document describes, status and body.
// In `npm test` (scripts/test.mjs) the records are every response of the whole run, written by
// src/station/api/contract-record.ts into HOTLINE_CONTRACT_RECORDS; run alone, this test makes a few calls of its own.

/** Without a run's records: a short session against a fresh station, recorded the same way. */
async function ownRecords(): Promise<ResponseRecord[]> {
  const records = mkdtempSync(join(tmpdir(), 'hotline-contract-own-'));
  const dir = await makeStationDir('Washington', { root: 'admin', austin: 'principal' });
  const station = await Station.open(dir.dir);
  // Recorded as in `npm test`: the app reads HOTLINE_CONTRACT_RECORD when it is built.
  const before = process.env.HOTLINE_CONTRACT_RECORD;
  process.env.HOTLINE_CONTRACT_RECORD = records;
  const app = await buildApp(station);
  if (before === undefined) delete process.env.HOTLINE_CONTRACT_RECORD;
  else process.env.HOTLINE_CONTRACT_RECORD = before;
  try {
    const call = (token: string | undefined, method: string, url: string, body?: object) =>
      app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
    const root = dir.tokens.root;
    await call(undefined, 'GET', '/healthz');
    await call(undefined, 'GET', '/v1/station');
    await call(undefined, 'POST', '/v1/session', { name: 'austin', password: 'wrong' });
    const login = (await call(undefined, 'POST', '/v1/session', { name: 'austin', password: PASSWORD })).json();
    await call(login.token, 'GET', '/v1/me');
    await call(undefined, 'GET', '/v1/me');
    await call(root, 'GET', '/v1/members');
    await call(root, 'POST', '/v1/lines', { title: 'x' });
    const created = await call(root, 'POST', '/v1/lines', { id: 'border', title: 'Border', parties: [], members: ['austin'] });
    assert.equal(created.statusCode, 201, created.body);
    await call(root, 'GET', '/v1/lines');
    const sent = await call(login.token, 'POST', '/v1/lines/border/messages', { text: 'Patrol at the ford at six', lang: 'en', precedence: 'ROUTINE' });
    assert.equal(sent.statusCode, 201, sent.body);
    await call(login.token, 'GET', '/v1/lines/border/messages');
    await call(login.token, 'GET', '/v1/lines/border/logs/Washington/entries?limit=2');
    await call(login.token, 'GET', '/v1/lines/border/logs/Washington/checkpoint');
    await call(login.token, 'GET', '/v1/lines/no-such-line/messages');
    await call(login.token, 'DELETE', '/v1/session');
  } finally {
    await app.close();
    await station.close();
    dir.cleanup();
  }
  const recorded = [...readRecords(records)];
  rmSync(records, { recursive: true, force: true });
  return recorded;
}

test('every response recorded matches the OpenAPI document, status and body', async (t) => {
  const dir = process.env.HOTLINE_CONTRACT_RECORDS;
  let records: Iterable<ResponseRecord>;
  if (dir) {
    // Named, so the run was meant to record: a missing or empty directory means recording is broken, not that all is well.
    assert.ok(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.jsonl')), `HOTLINE_CONTRACT_RECORDS=${dir} holds no records`);
    records = readRecords(dir);
  } else {
    records = await ownRecords();
  }
  const report = checkContract(await servedDocument(), records);
  assert.ok(report.responses > 10, `only ${report.responses} responses recorded`);
  const count = ([name, n]: [string, number]) => `${name} (×${n})`;
  t.diagnostic(`${report.responses} responses checked (${report.unrouted} with no documented route: unmatched URLs, hidden routes)`);
  t.diagnostic(`operations exercised (${report.exercised.size}): ${[...report.exercised].sort().map(count).join('; ')}`);
  t.diagnostic(`operations never exercised (${report.unexercised.length}): ${report.unexercised.join('; ')}`);
  const failures = [...report.failures].sort().map(count);
  assert.deepEqual(failures, [], `${failures.length} kinds of response the document does not describe`);
});

test('the check catches an undocumented status, a body off its schema, a route not in the document', async () => {
  const doc = await servedDocument();
  const report = checkContract(doc, [
    { method: 'GET', route: '/v1/station', status: 418, contentType: 'application/json; charset=utf-8', body: {} },
    { method: 'GET', route: '/v1/station', status: 200, contentType: 'application/json; charset=utf-8', body: { name: 7 } },
    { method: 'GET', route: '/v1/lines/:line/messages', status: 200, contentType: 'application/json; charset=utf-8', body: { messages: 'none' } },
    { method: 'POST', route: '/v1/nowhere', status: 200, contentType: 'application/json; charset=utf-8', body: {} },
    { method: 'GET', route: '/v1/station', status: 200, contentType: 'application/json; charset=utf-8', body: { name: 7 } },
  ]);
  const failures = [...report.failures.keys()];
  assert.ok(failures.some((f) => f.startsWith('GET /v1/station 418: status not documented')), failures.join('\n'));
  assert.ok(failures.some((f) => f.startsWith('GET /v1/station 200: body does not match')), failures.join('\n'));
  assert.ok(failures.some((f) => f.startsWith('GET /v1/lines/{line}/messages 200: body does not match')), failures.join('\n'));
  assert.ok(failures.includes('POST /v1/nowhere: route not in the document'), failures.join('\n'));
  // The same mismatch twice is one line with its count.
  assert.equal(report.failures.get([...report.failures.keys()].find((f) => f.startsWith('GET /v1/station 200'))!), 2);
});
