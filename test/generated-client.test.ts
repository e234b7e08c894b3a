import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS from 'openapi-typescript';
import { api, fetchStation, makeStationDir, PASSWORD, ROOT, startStation, trustEnv, type StationDir, type StationProcess } from './support/station.ts';

// What another team does with the document: generate types from the served /openapi.json (openapi-typescript),
// write a client against them (openapi-fetch), let the compiler check it, and call a real station over HTTPS.

let dir: StationDir;
let station: StationProcess;
let work: string;

// A principal's session, typed only by the generated `paths`: a field the document does not name does not compile.
const program = (fingerprint = 'fingerprint') => `import createClient from 'openapi-fetch';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import type { paths } from './api.ts';

// The station's certificate, as an operator's client trusts api.crt.
const dispatcher = new Agent({ connect: { ca: readFileSync(process.env.HOTLINE_CA!, 'utf8'), allowPartialTrustChain: true } as object });
const client = createClient<paths>({
  baseUrl: process.env.HOTLINE_URL!,
  fetch: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch,
});

const station = await client.GET('/v1/station', {});
if (!station.data) throw new Error('GET /v1/station: ' + station.response.status);
const signIn = await client.POST('/v1/session', { body: { name: 'austin', password: process.env.PASSWORD! } });
if (!signIn.data || !('token' in signIn.data)) throw new Error('POST /v1/session: ' + signIn.response.status);
const session = signIn.data;
const headers = { authorization: 'Bearer ' + session.token };
const lines = await client.GET('/v1/lines', { headers });
if (!lines.data) throw new Error('GET /v1/lines: ' + lines.response.status);
const sent = await client.POST('/v1/lines/{line}/messages', { params: { path: { line: 'border' } }, headers, body: { text: 'Patrol at the ford at six', lang: 'en', precedence: 'ROUTINE' } });
if (!sent.data) throw new Error('POST /v1/lines/{line}/messages: ' + sent.response.status);
const read = await client.GET('/v1/lines/{line}/messages', { params: { path: { line: 'border' } }, headers });
if (!read.data) throw new Error('GET /v1/lines/{line}/messages: ' + read.response.status);
const missing = await client.GET('/v1/lines/{line}/messages', { params: { path: { line: 'no-such-line' } }, headers });
const signOut = await client.DELETE('/v1/session', { headers });

console.log(JSON.stringify({
  fingerprint: station.data.${fingerprint},
  member: session.member.name,
  lines: lines.data.lines.map((l) => l.id),
  seq: sent.data.seq,
  messages: read.data.messages.map((m) => ({ from: m.from, text: m.text, precedence: m.precedence })),
  missing: { status: missing.response.status, code: missing.error?.error.code },
  signOut: signOut.response.status,
}));
await dispatcher.close();
`;

const tsc = () => spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', work], { encoding: 'utf8', timeout: 30_000 });

before(async () => {
  dir = await makeStationDir('Washington', { root: 'admin', austin: 'principal' });
  station = await startStation(dir.dir);
  const line = await api(station.url, dir.tokens.root, 'POST', '/v1/lines', { id: 'border', title: 'Border', parties: [], members: ['austin'] });
  assert.equal(line.status, 201, line.text);

  work = mkdtempSync(join(tmpdir(), 'hotline-client-'));
  // The program resolves openapi-fetch, undici and @types/node as a project that installed them would.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'] },
    files: ['client.ts'],
  }));
  const doc = await (await fetchStation(new URL('/openapi.json', station.url))).json();
  writeFileSync(join(work, 'api.ts'), await openapiTS(doc));
});

after(async () => {
  await station?.stop();
  dir?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a field the document does not name does not compile', () => {
  writeFileSync(join(work, 'client.ts'), program('fingerprnt'));
  const run = tsc();
  assert.notEqual(run.status, 0, 'tsc accepted a field the document does not have: the generated types say nothing');
  assert.match(run.stdout, /fingerprnt/);
});

test('a client generated from the served document compiles and works against the station over HTTPS', () => {
  writeFileSync(join(work, 'client.ts'), program());
  const compiled = tsc();
  assert.equal(compiled.status, 0, `the client does not compile against the generated types:\n${compiled.stdout}${compiled.stderr}`);

  const run = spawnSync(process.execPath, ['--import', 'tsx', join(work, 'client.ts')], {
    encoding: 'utf8', cwd: work, timeout: 30_000,
    env: { ...process.env, ...trustEnv(station.url), HOTLINE_URL: station.url, PASSWORD },
  });
  assert.equal(run.status, 0, `the client failed:\n${run.stdout}${run.stderr}`);
  const out = JSON.parse(run.stdout);
  assert.match(out.fingerprint, /^\d{5}( \d{5}){5}$/);
  assert.equal(out.member, 'austin');
  assert.deepEqual(out.lines, ['border']);
  assert.equal(out.seq, 1);
  assert.deepEqual(out.messages, [{ from: 'austin', text: 'Patrol at the ford at six', precedence: 'ROUTINE' }]);
  // A line this member cannot see is a 404 with the one error shape, typed from the document.
  assert.deepEqual(out.missing, { status: 404, code: 'not_found' });
  assert.equal(out.signOut, 204);
});
