import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, PASSWORD, startStation, type StationProcess } from './support/station.ts';

// A new user's path through the CLI, against a real station process.

const work = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
const dir = join(work, 'washington');
let station: StationProcess | undefined;
after(async () => {
  await station?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('init, members, serve, lines, messages, export and verify from the command line', async () => {
  const init = await cli(['init', '--name', 'Washington', '--dir', dir, '--listen', '127.0.0.1:0']);
  assert.equal(init.code, 0, init.stderr);
  const vkey = /^\s+(Washington\+[0-9a-f]{8}\+\S+)$/m.exec(init.stdout)?.[1];
  assert.ok(vkey, init.stdout);
  assert.match(init.stdout, /\d{5} \d{5} \d{5} \d{5} \d{5} \d{5}/);
  assert.equal(statSync(join(dir, 'station.key')).mode & 0o777, 0o600);
  assert.ok(!init.stdout.includes('PRIVATE'), 'the private key is never printed');
  assert.equal((await cli(['init', '--name', 'Washington', '--dir', dir])).code, 5, 'init refuses to overwrite');

  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'root', '--role', 'admin', '--password-stdin'], { input: PASSWORD + '\n' })).code, 0);
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'austin', '--role', 'principal', '--password', PASSWORD])).code, 0);
  const badRole = await cli(['member', 'add', '--dir', dir, '--name', 'x', '--role', 'king', '--password', PASSWORD]);
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /role must be one of/);
  const adminToken = (await cli(['token', 'create', '--dir', dir, '--member', 'root'])).stdout.trim();
  assert.match(adminToken, /^hlt_/);

  station = await startStation(dir);
  const env = { HOTLINE_URL: station.url };
  const austin = (await cli(['login', '--name', 'austin', '--password-stdin'], { env, input: PASSWORD })).stdout.trim();
  assert.match(austin, /^hls_/);
  const wrong = await cli(['login', '--name', 'austin', '--password', 'wrong password'], { env });
  assert.equal(wrong.code, 3);
  assert.match(wrong.stderr, /wrong name or password/);

  const created = await cli(['line', 'create', '--id', 'deconfliction', '--title', 'Deconfliction line', '--member', 'austin'], { env: { ...env, HOTLINE_TOKEN: adminToken } });
  assert.equal(created.code, 0, created.stderr);
  for (const text of ['Requesting a call at 14:00Z', 'Confirming receipt']) {
    const sent = await cli(['send', '--line', 'deconfliction', '--text', text, '--lang', 'en'], { env: { ...env, HOTLINE_TOKEN: austin } });
    assert.equal(sent.code, 0, sent.stderr);
  }
  const listed = await cli(['entries', '--line', 'deconfliction', '--party', 'Washington'], { env: { ...env, HOTLINE_TOKEN: austin } });
  // Entry 0 is the line's signed definition.
  assert.match(listed.stdout, /#0 .*line\.define/);
  assert.match(listed.stdout, /#1 .*austin: Requesting a call at 14:00Z/);
  assert.match(listed.stdout, /#2 .*Confirming receipt/);
  const cp = await cli(['checkpoint', '--line', 'deconfliction', '--party', 'Washington'], { env: { ...env, HOTLINE_TOKEN: austin } });
  assert.match(cp.stdout, /^hotline\/line\/deconfliction\/Washington\n3\n/);

  const noLine = await cli(['send', '--line', 'nope', '--text', 'x'], { env: { ...env, HOTLINE_TOKEN: austin } });
  assert.equal(noLine.code, 4);
  assert.match(noLine.stderr, /no such line/);
  assert.equal((await cli(['send', '--line', 'deconfliction'], { env: { ...env, HOTLINE_TOKEN: austin } })).code, 2);
  assert.equal((await cli(['send', '--line', 'deconfliction', '--text', 'x'], { env: { ...env, HOTLINE_TOKEN: 'hlt_bogus' } })).code, 3);
  assert.equal((await cli(['frobnicate'])).code, 2);
  const unreachable = await cli(['line', 'list', '--url', 'https://127.0.0.1:1', '--token', 'x']);
  assert.equal(unreachable.code, 6);
  assert.match(unreachable.stderr, /cannot reach/);

  // Verify against the live station, pinning the key, and save the checkpoint.
  const saved = join(work, 'seen');
  rmSync(saved, { recursive: true, force: true });
  (await import('node:fs')).mkdirSync(saved);
  const live = await cli(['verify', '--line', 'deconfliction', '--key', vkey!, '--save', saved], { env: { ...env, HOTLINE_TOKEN: austin } });
  assert.equal(live.code, 0, live.stderr);
  assert.match(live.stdout, /ok {2}Washington: 3 entries verified/);

  await cli(['send', '--line', 'deconfliction', '--text', 'Third'], { env: { ...env, HOTLINE_TOKEN: austin } });
  const since = await cli(['verify', '--line', 'deconfliction', '--key', vkey!, '--since', join(saved, 'Washington.checkpoint')], { env: { ...env, HOTLINE_TOKEN: austin } });
  assert.equal(since.code, 0, since.stderr);
  assert.match(since.stdout, /4 entries verified/);

  const bundle = join(work, 'bundle.json');
  assert.equal((await cli(['export', '--line', 'deconfliction', '--out', bundle], { env: { ...env, HOTLINE_TOKEN: austin } })).code, 0);
  const offline = await cli(['verify', '--bundle', bundle, '--key', vkey!, '--since', join(saved, 'Washington.checkpoint')]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stdout, /Washington: 4 entries verified/);

  // A bundle edited after export fails, naming the entry.
  const edited = JSON.parse(readFileSync(bundle, 'utf8'));
  const entry = JSON.parse(Buffer.from(edited.logs[0].entries[1], 'base64').toString());
  entry.body.text = 'Denying receipt';
  edited.logs[0].entries[1] = Buffer.from(JSON.stringify(entry)).toString('base64');
  writeFileSync(bundle, JSON.stringify(edited));
  const bad = await cli(['verify', '--bundle', bundle]);
  assert.equal(bad.code, 10);
  assert.match(bad.stderr, /entry 1 of Washington's log/);

  // A key that is not the one pinned is refused.
  const impostor = await cli(['verify', '--bundle', bundle, '--key', 'Washington+00000000+AQ==']);
  assert.notEqual(impostor.code, 0);
});
