import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FORMAT } from '../src/core/bundle.ts';
import { toBase64 } from '../src/core/encoding.ts';
import { encodeEntry } from '../src/core/entry.ts';
import { logOrigin } from '../src/core/line.ts';
import { openCheckpoint } from '../src/core/log-verifier.ts';
import { leafHash } from '../src/core/merkle/hash.ts';
import { appendLeaf, frontierRoot } from '../src/core/merkle/frontier.ts';
import { formatCheckpoint } from '../src/core/note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from '../src/core/note/key.ts';
import { signNote } from '../src/core/note/note.ts';
import { nodeCrypto as c, signerFromSeed } from '../src/node/crypto.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { cli, eventually } from './support/station.ts';

// `hotline verify` as a real process: on malformed input of every kind it
// gives one line of reason and the documented exit code, never a stack
// trace; on a real exported bundle from two linked stations it verifies
// every party's log and the signed definition, and detects a log removed or
// the definition changed.

const work = mkdtempSync(join(tmpdir(), 'hotline-verify-'));
const file = (name: string, content: string) => {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
};
let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let lineId: string;
let bundlePath: string;
const keys = () => ['--key', W.dir.identity.vkey, '--key', M.dir.identity.vkey];

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { heartbeatMs: 200 }));
  lineId = await shareLine(W, [M], 'aegean', ['duty'], { title: 'Aegean deconfliction' });
});
after(async () => {
  await stop?.();
  rmSync(work, { recursive: true, force: true });
});

/** One line on stderr, no stack frames, no "unexpected error", and the exit code. */
function clean(r: { code: number; stdout: string; stderr: string }, code: number, pattern: RegExp, what: string) {
  assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /unexpected error/, what);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('hotline'));
  assert.ok(errors.length >= 1, `${what}: no reason given\n${r.stderr}`);
  assert.match(errors.join('\n'), pattern, what);
}

test('a party that joined and has not written has a signed empty log, served by every station of the line', { timeout: 60_000 }, async () => {
  const moscowKey = parseVerifierKey(c, M.dir.identity.vkey);
  for (const s of [W, M]) {
    const note = await eventually(async () => {
      const r = await s.as('duty', 'GET', `/v1/lines/${lineId}/logs/Moscow/checkpoint`);
      return r.status === 200 && r.text;
    }, `Moscow's checkpoint at ${s.name}`);
    const cp = openCheckpoint(c, { line: lineId, party: 'Moscow', key: moscowKey }, note);
    assert.equal(cp.size, 0, `${s.name} serves Moscow's empty log`);
  }
  // The creator's log opens with the signed definition.
  const first = await W.as('duty', 'GET', `/v1/lines/${lineId}/logs/Washington/entries/0`);
  assert.equal(first.json.entry.kind, 'line.define');
  assert.equal(first.json.entry.body.title, 'Aegean deconfliction');
});

test('remote verify checks every party\'s log and the signed definition', { timeout: 60_000 }, async () => {
  for (const s of [W, M]) {
    const r = await cli(['verify', '--line', lineId, '--url', s.proc.url, '--token', s.tokens.duty, ...keys()]);
    assert.equal(r.code, 0, `${s.name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /ok {2}Washington: 1 entries verified/);
    assert.match(r.stdout, /ok {2}Moscow: 0 entries verified/);
    assert.match(r.stdout, /ok {2}definition: .* as Washington signed them/);
  }
  // Only Moscow's log in full: the definition is still checked, from Washington's proven first entry.
  const one = await cli(['verify', '--line', lineId, '--party', 'Moscow', '--url', M.proc.url, '--token', M.tokens.duty, ...keys()]);
  assert.equal(one.code, 0, one.stdout + one.stderr);
  assert.doesNotMatch(one.stdout, /Washington: .* verified/);
  assert.match(one.stdout, /definition: .* Washington signed/);

  // A pinned party the line does not name is a party removed from it.
  const paris = formatVerifierKey(c, 'Paris', signerFromSeed(new Uint8Array(32).fill(9)).publicKey);
  clean(await cli(['verify', '--line', lineId, '--url', W.proc.url, '--token', W.tokens.duty, ...keys(), '--key', paris]), 10, /Paris's key is pinned, but the line does not name Paris/, 'foreign pin');

  // A party whose station never joined: nothing fails, but the line is not wholly checked.
  const pending = await W.as('root', 'POST', '/v1/lines', { id: 'with-paris', title: 'Three', parties: [M.dir.identity.vkey, paris], members: ['duty'] });
  assert.equal(pending.status, 201, pending.text);
  const incomplete = await cli(['verify', '--line', 'with-paris', '--url', W.proc.url, '--token', W.tokens.duty, ...keys()]);
  clean(incomplete, 11, /incomplete: no signed checkpoint of .*Paris/, 'a party not joined');
  assert.match(incomplete.stdout, /--  Paris: the station serves no signed checkpoint/);
});

test('a real exported bundle verifies; a log removed or the definition changed is detected', { timeout: 120_000 }, async () => {
  await W.as('duty', 'POST', `/v1/lines/${lineId}/messages`, { text: 'Requesting a call at 14:00Z' });
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${lineId}/transcript`)).json?.total === 1, 'message at Moscow');
  await M.as('duty', 'POST', `/v1/lines/${lineId}/messages`, { text: 'Acknowledged' });
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${lineId}/transcript`)).json?.total === 2, 'reply at Washington');
  bundlePath = join(work, 'bundle.json');
  const exported = await cli(['export', '--line', lineId, '--out', bundlePath, '--url', W.proc.url, '--token', W.tokens.duty]);
  assert.equal(exported.code, 0, exported.stderr);
  const ok = await cli(['verify', '--bundle', bundlePath, ...keys()]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ok {2}Washington: 2 entries verified/);
  assert.match(ok.stdout, /ok {2}Moscow: 1 entries verified/);
  assert.match(ok.stdout, /definition: .* as Washington signed them/);

  const original = JSON.parse(readFileSync(bundlePath, 'utf8'));
  assert.equal(original.creator, 'Washington');
  const tampered: Array<[string, (b: any) => void, RegExp]> = [
    ['Moscow\'s log removed', (b) => void (b.logs = b.logs.filter((l: any) => l.party !== 'Moscow')), /no log of Moscow/],
    ['no logs', (b) => void (b.logs = []), /no log of Washington, Moscow/],
    ['title changed', (b) => void (b.line.title = 'Aegean'), /title is not what its creator Washington signed/],
    ['discreet flag changed', (b) => void (b.line.discreet = true), /discreet flag is not what/],
    ['Moscow dropped from the line', (b) => {
      b.line.parties = b.line.parties.filter((p: any) => p.name !== 'Moscow');
      b.logs = b.logs.filter((l: any) => l.party !== 'Moscow');
    }, /Moscow's key is pinned, but the line does not name Moscow/],
    ['creator renamed', (b) => void (b.creator = 'Moscow'), /names Moscow as the line's creator/],
  ];
  await Promise.all(tampered.map(async ([what, change, pattern], i) => {
    const b = structuredClone(original);
    change(b);
    clean(await cli(['verify', '--bundle', file(`tampered-${i}.json`, JSON.stringify(b)), ...keys()]), 10, pattern, what);
  }));
  // A checkpoint saved from the live station is a good --since for the bundle.
  const saved = join(work, 'seen');
  mkdirSync(saved, { recursive: true });
  assert.equal((await cli(['verify', '--line', lineId, '--url', W.proc.url, '--token', W.tokens.duty, ...keys(), '--save', saved])).code, 0);
  const since = await cli(['verify', '--bundle', bundlePath, ...keys(), '--since', join(saved, 'Moscow.checkpoint'), '--since', join(saved, 'Washington.checkpoint')]);
  assert.equal(since.code, 0, since.stderr);
});

test('malformed input of every kind: one line of reason and the documented exit code', { timeout: 120_000 }, async () => {
  const good = JSON.parse(readFileSync(bundlePath, 'utf8'));
  const checkpoint = good.logs[0].checkpoint as string;
  const cases: Array<[string, string[], number, RegExp]> = [
    ['not JSON', ['--bundle', file('a.json', '{"format": "hotline-bundle/v1", ')], 2, /is not JSON/],
    ['empty file', ['--bundle', file('b.json', '')], 2, /is not JSON/],
    ['null', ['--bundle', file('c.json', 'null')], 2, /holds null/],
    ['an array', ['--bundle', file('d.json', '[]')], 2, /holds an array/],
    ['a string', ['--bundle', file('e.json', '"hotline"')], 2, /holds a string/],
    ['no format', ['--bundle', file('f.json', '{}')], 2, /format is missing/],
    ['no logs', ['--bundle', file('g.json', JSON.stringify({ format: BUNDLE_FORMAT, line: good.line }))], 2, /at \/logs/],
    ['logs not an array', ['--bundle', file('h.json', JSON.stringify({ ...good, logs: { Washington: good.logs[0] } }))], 2, /at \/logs/],
    ['entries not an array', ['--bundle', file('i.json', JSON.stringify({ ...good, logs: [{ ...good.logs[0], entries: 'AAAA' }, good.logs[1]] }))], 2, /at \/logs\/0\/entries/],
    ['an entry not a string', ['--bundle', file('j.json', JSON.stringify({ ...good, logs: [{ ...good.logs[0], entries: [null] }, good.logs[1]] }))], 2, /at \/logs\/0\/entries\/0/],
    ['a party not an object', ['--bundle', file('k.json', JSON.stringify({ ...good, line: { ...good.line, parties: [7] } }))], 2, /at \/line\/parties\/0/],
    ['line null', ['--bundle', file('l.json', JSON.stringify({ ...good, line: null }))], 2, /at \/line/],
    ['an entry not base64', ['--bundle', file('m.json', JSON.stringify({ ...good, logs: [{ ...good.logs[0], entries: ['%%%', ...good.logs[0].entries.slice(1)] }, good.logs[1]] }))], 10, /entry 0 of Washington's log is not base64/],
    ['a checkpoint that is not a note', ['--bundle', file('n.json', JSON.stringify({ ...good, logs: [{ ...good.logs[0], checkpoint: 'hello' }, good.logs[1]] }))], 10, /checkpoint of Washington's log/],
    ['unreadable bundle', ['--bundle', join(work, 'no-such-file.json')], 2, /cannot read bundle .*ENOENT/],
    ['a directory as bundle', ['--bundle', work], 2, /cannot read bundle .*EISDIR/],
    ['--since not a checkpoint', ['--bundle', bundlePath, '--since', file('s1', 'not a checkpoint at all\n')], 2, /--since .* is not a signed checkpoint/],
    ['--since unreadable', ['--bundle', bundlePath, '--since', join(work, 'nope.checkpoint')], 2, /cannot read checkpoint/],
    ['--since of another line', ['--bundle', bundlePath, '--since', file('s2', checkpoint.replace(`hotline/line/${lineId}/`, 'hotline/line/another-line/'))], 2, /is a checkpoint of line another-line/],
    ['--since not of a hotline log', ['--bundle', bundlePath, '--since', file('s3', checkpoint.replace(`hotline/line/${lineId}/Washington`, 'example.com/log'))], 2, /not of a Hotline line's log/],
    ['a bad --key', ['--bundle', bundlePath, '--key', 'Washington+zz'], 2, /--key Washington\+zz/],
    ['neither --bundle nor --line', [], 2, /give --bundle FILE or --line LINE/],
    ['an unknown option', ['--bundel', bundlePath], 2, /see 'hotline verify --help'/],
  ];
  // Four at a time: each is a whole CLI process.
  const queue = [...cases];
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [what, args, code, pattern] = next;
      clean(await cli(['verify', ...args]), code, pattern, what);
    }
  }));
});

test('an older line with no signed definition verifies as incomplete (exit 11), saying why', async () => {
  const signer = signerFromSeed(new Uint8Array(32).fill(4));
  const key = formatVerifierKey(c, 'Kyiv', signer.publicKey);
  const line = { id: 'older', title: 'Before definitions were signed', parties: [{ name: 'Kyiv', key }], discreet: false, createdAt: 1 };
  const bytes = encodeEntry({ v: 1, line: 'older', party: 'Kyiv', seq: 0, time: 2, kind: 'message', body: { text: 'hello', from: 'duty' }, seen: {} }, signer);
  const { frontier } = appendLeaf(c, [], 0, leafHash(c, bytes));
  const note = signNote(c, formatCheckpoint({ origin: logOrigin('older', 'Kyiv'), size: 1, root: frontierRoot(c, frontier), extensions: [] }), [{ name: 'Kyiv', signer }]);
  const path = file('older.json', JSON.stringify({ format: BUNDLE_FORMAT, line, logs: [{ party: 'Kyiv', checkpoint: note, entries: [toBase64(bytes)] }] }));
  const r = await cli(['verify', '--bundle', path, '--key', key]);
  clean(r, 11, /incomplete: the line's definition is not covered by a signature/, 'unsigned');
  assert.match(r.stdout, /ok {2}Kyiv: 1 entries verified/);
  assert.match(r.stdout, /definition: not signed/);
});

test('a station serving garbage fails the check with a reason, never a crash', { timeout: 60_000 }, async () => {
  const signer = signerFromSeed(new Uint8Array(32).fill(5));
  const key = formatVerifierKey(c, 'Oslo', signer.publicKey);
  const line = { id: 'oslo', title: 'Oslo', discreet: false, createdAt: 1, parties: [{ name: 'Oslo', key }], members: [] };
  const empty = signNote(c, formatCheckpoint({ origin: logOrigin('oslo', 'Oslo'), size: 0, root: frontierRoot(c, []), extensions: [] }), [{ name: 'Oslo', signer }]);
  const two = signNote(c, formatCheckpoint({ origin: logOrigin('oslo', 'Oslo'), size: 2, root: new Uint8Array(32).fill(7), extensions: [] }), [{ name: 'Oslo', signer }]);
  let answers: Record<string, [number, string]> = {};
  const server: Server = createServer((req, res) => {
    const [status, body] = answers[req.url!.split('?')[0]] ?? [404, JSON.stringify({ error: { code: 'not_found', message: 'no such thing' } })];
    res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const base = '/v1/lines/oslo';
  const scenarios: Array<[string, Record<string, [number, string]>, number, RegExp]> = [
    ['the line is not JSON', { [base]: [200, '<html>hello</html>'] }, 10, /the station's line definition is not JSON/],
    ['the line is not a line', { [base]: [200, JSON.stringify({ id: 'oslo', parties: 'everyone' })] }, 10, /is not a line definition/],
    ['another line answers', { [base]: [200, JSON.stringify({ ...line, id: 'bergen' })] }, 10, /answered with line bergen/],
    ['the checkpoint is garbage', { [base]: [200, JSON.stringify(line)], [`${base}/logs/Oslo/checkpoint`]: [200, 'garbage'] }, 10, /checkpoint of Oslo's log is malformed/],
    ['no checkpoint at all', { [base]: [200, JSON.stringify(line)] }, 11, /incomplete: no signed checkpoint of Oslo/],
    ['tiles missing', { [base]: [200, JSON.stringify(line)], [`${base}/logs/Oslo/checkpoint`]: [200, two] }, 10, /tile 0 of Oslo's log .* is missing/],
    ['tiles garbage', {
      [base]: [200, JSON.stringify(line)], [`${base}/logs/Oslo/checkpoint`]: [200, two],
      [`${base}/logs/Oslo/tile/entries/000.p/2`]: [200, 'xyz'], [`${base}/logs/Oslo/tile/0/000.p/2`]: [200, 'abc'],
    }, 10, /tile 0 of Oslo's log is not an entry bundle/],
    ['an empty log with no definition', { [base]: [200, JSON.stringify(line)], [`${base}/logs/Oslo/checkpoint`]: [200, empty] }, 11, /definition is not covered by a signature/],
  ];
  try {
    for (const [what, served, code, pattern] of scenarios) {
      answers = served;
      clean(await cli(['verify', '--line', 'oslo', '--url', url, '--token', 't', '--key', key]), code, pattern, what);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
