import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c, signerFromSeed } from '../node/crypto.ts';
import { BUNDLE_FORMAT, parseBundle, verifyBundle, type Bundle } from './bundle.ts';
import type { Signer } from './crypto.ts';
import { toBase64 } from './encoding.ts';
import { encodeEntry, type JsonObject } from './entry.ts';
import { HotlineError } from './errors.ts';
import { definitionBody, LINE_DEFINE } from './kinds/line-definition.ts';
import { logOrigin, type Line } from './line.ts';
import { leafHash } from './merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from './merkle/frontier.ts';
import { formatCheckpoint } from './note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from './note/key.ts';
import { signNote } from './note/note.ts';

// Bundles built here from real signatures and trees, then broken every way
// a bundle can be: each break must be a clear `bad_request` (not a bundle)
// or `integrity` (a bundle that is not the record), never anything else.

const W = 'Washington';
const M = 'Moscow';
const signers: Record<string, Signer> = { [W]: signerFromSeed(new Uint8Array(32).fill(1)), [M]: signerFromSeed(new Uint8Array(32).fill(2)), Paris: signerFromSeed(new Uint8Array(32).fill(3)) };
const keyOf = (party: string) => formatVerifierKey(c, party, signers[party].publicKey);
const pins = [W, M].map((p) => parseVerifierKey(c, keyOf(p)));
const T = 1_790_000_000_000;

const baseLine = (): Line => ({ id: 'aegean', title: 'Aegean deconfliction', parties: [{ name: W, key: keyOf(W) }, { name: M, key: keyOf(M) }], discreet: false, createdAt: T });

interface Spec { kind: string; body: JsonObject; seen?: Record<string, number> }

function log(line: Line, party: string, specs: Spec[], upTo = specs.length) {
  let frontier: Frontier = [];
  const entries: string[] = [];
  const checkpoints: string[] = [];
  const sign = (size: number) => signNote(c, formatCheckpoint({ origin: logOrigin(line.id, party), size, root: frontierRoot(c, frontier), extensions: [] }), [{ name: party, signer: signers[party] }]);
  checkpoints.push(sign(0));
  specs.slice(0, upTo).forEach((s, seq) => {
    const bytes = encodeEntry({ v: 1, line: line.id, party, seq, time: T + seq, kind: s.kind, body: s.body, seen: s.seen ?? {} }, signers[party]);
    frontier = appendLeaf(c, frontier, seq, leafHash(c, bytes)).frontier;
    entries.push(toBase64(bytes));
    checkpoints.push(sign(seq + 1));
  });
  return { party, checkpoint: checkpoints.at(-1)!, entries, checkpoints };
}

const msg = (text: string, seen: Record<string, number> = {}): Spec => ({ kind: 'message', body: { text, from: 'duty' }, seen });
const define = (line: Line): Spec => ({ kind: LINE_DEFINE, body: definitionBody(line) as unknown as JsonObject });

/** Washington created the line (its log opens with the definition); both parties have written. */
function goodBundle(line = baseLine()): Bundle {
  const w = log(line, W, [define(line), msg('Requesting a call'), msg('Standing by', { [M]: 1 })]);
  const m = log(line, M, [msg('Acknowledged', { [W]: 2 })]);
  return { format: BUNDLE_FORMAT, line, creator: W, logs: [w, m].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries })) };
}

function fails(fn: () => unknown, code: 'bad_request' | 'integrity', pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HotlineError, `not a HotlineError: ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a whole bundle verifies, with its definition signed by its creator', () => {
  const verdict = verifyBundle(c, goodBundle(), { pinned: pins });
  assert.deepEqual(verdict.definition, { signed: true, creator: W });
  assert.deepEqual(verdict.logs.map((l) => [l.party, l.size]), [[W, 3], [M, 1]]);
});

test('a party that joined and never wrote has a signed empty log, and the bundle carries it', () => {
  const line = baseLine();
  const w = log(line, W, [define(line)]);
  const m = log(line, M, []);
  const verdict = verifyBundle(c, { format: BUNDLE_FORMAT, line, creator: W, logs: [w, m].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries })) }, { pinned: pins });
  assert.deepEqual(verdict.logs.map((l) => [l.party, l.size]), [[W, 1], [M, 0]]);
});

test('a missing log is detected, with the keys pinned or not', () => {
  for (const removed of [W, M]) {
    const b = goodBundle();
    b.logs = b.logs.filter((l) => l.party !== removed);
    fails(() => verifyBundle(c, b, { pinned: pins }), 'integrity', new RegExp(`no log of ${removed}`));
    fails(() => verifyBundle(c, b), 'integrity', new RegExp(`no log of ${removed}`));
  }
  const empty = goodBundle();
  empty.logs = [];
  fails(() => verifyBundle(c, empty, { pinned: pins }), 'integrity', /no log of Washington, Moscow/);
});

test('dropping a party from the line and its log is detected by the signed definition, a pin, or the others\' entries', () => {
  const b = goodBundle();
  b.line.parties = b.line.parties.filter((p) => p.name !== M);
  b.logs = b.logs.filter((l) => l.party !== M);
  fails(() => verifyBundle(c, b, { pinned: pins }), 'integrity', /Moscow's key is pinned, but the line does not name Moscow/);
  fails(() => verifyBundle(c, b), 'integrity', /had seen Moscow's log, but the line does not name Moscow/);
  // Even if no entry left had seen the removed party, the definition Washington signed names it.
  const quiet = baseLine();
  const w = log(quiet, W, [define(quiet), msg('nobody answered yet')]);
  const alone = { format: BUNDLE_FORMAT, line: { ...quiet, parties: [quiet.parties[0]] }, creator: W, logs: [{ party: W, checkpoint: w.checkpoint, entries: w.entries }] } as Bundle;
  fails(() => verifyBundle(c, alone), 'integrity', /parties is not what its creator Washington signed/);
  // An older line (no signed definition) still shows it: Washington's entries had seen Moscow's log.
  const line = baseLine();
  const old = { format: BUNDLE_FORMAT, line: { ...line, parties: [line.parties[0]] }, logs: [log(line, W, [msg('a'), msg('b', { [M]: 1 })])].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries })) } as Bundle;
  fails(() => verifyBundle(c, old), 'integrity', /had seen Moscow's log, but the line does not name Moscow/);
});

test('changing the definition is detected: title, discreet flag, creation time, order or keys of the parties', () => {
  const changes: Array<[string, (l: Line) => void, RegExp]> = [
    ['title', (l) => void (l.title = 'Aegean'), /line's title is not what its creator Washington signed/],
    ['discreet', (l) => void (l.discreet = true), /discreet flag/],
    ['createdAt', (l) => void (l.createdAt += 1), /creation time/],
    ['order', (l) => void l.parties.reverse(), /parties/],
  ];
  for (const [what, change, pattern] of changes) {
    const b = goodBundle();
    change(b.line);
    fails(() => verifyBundle(c, b, { pinned: pins }), 'integrity', pattern);
    assert.ok(what);
  }
  // A third party's key swapped in for Moscow's: its log no longer verifies, and a pin says so first.
  const b = goodBundle();
  b.line.parties[1] = { name: M, key: formatVerifierKey(c, M, signers.Paris.publicKey) };
  fails(() => verifyBundle(c, b, { pinned: pins }), 'integrity', /not the pinned key/);
  fails(() => verifyBundle(c, b), 'integrity', /Moscow's log/);
});

test('a line with no signed definition verifies as unsigned, a distinct outcome', () => {
  const line = baseLine();
  const w = log(line, W, [msg('a')]);
  const m = log(line, M, [msg('b', { [W]: 1 })]);
  const b: Bundle = { format: BUNDLE_FORMAT, line, logs: [w, m].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries })) };
  assert.deepEqual(verifyBundle(c, b, { pinned: pins }).definition, { signed: false });
  fails(() => verifyBundle(c, { ...b, creator: W }, { pinned: pins }), 'integrity', /no log begins with a signed definition/);
});

test('only the creator defines the line, only at the start of its log, and the bundle names it', () => {
  const line = baseLine();
  const twice = goodBundle();
  twice.logs[1] = (({ party, checkpoint, entries }) => ({ party, checkpoint, entries }))(log(line, M, [define(line)]));
  fails(() => verifyBundle(c, twice), 'integrity', /Washington and Moscow each sign a definition/);
  const late = goodBundle();
  late.logs[1] = (({ party, checkpoint, entries }) => ({ party, checkpoint, entries }))(log(line, M, [msg('x', { [W]: 1 }), define(line)]));
  fails(() => verifyBundle(c, late), 'integrity', /entry 1 of Moscow's log redefines the line/);
  const unnamed = goodBundle();
  delete unnamed.creator;
  fails(() => verifyBundle(c, unnamed), 'integrity', /does not name the line's creator, Washington/);
  fails(() => verifyBundle(c, { ...goodBundle(), creator: M }), 'integrity', /names Moscow as the line's creator, but Washington signed/);
  const wrongId = goodBundle();
  wrongId.line.id = 'aegean-2';
  fails(() => verifyBundle(c, wrongId), 'integrity', /names line aegean, expected aegean-2/);
});

test('checkpoints seen earlier: consistent passes, another history or a shrunk log fails, an unknown party fails', () => {
  const line = baseLine();
  const specs = [define(line), msg('one'), msg('two')];
  const full = log(line, W, specs);
  const b = goodBundle(line);
  assert.equal(verifyBundle(c, b, { pinned: pins, since: new Map([[W, full.checkpoints[1]]]) }).logs[0].size, 3);
  assert.equal(verifyBundle(c, b, { pinned: pins, since: new Map([[W, full.checkpoints[0]]]) }).logs[0].size, 3);
  const other = log(line, W, [define(line), msg('another history')]);
  fails(() => verifyBundle(c, b, { since: new Map([[W, other.checkpoints[2]]]) }), 'integrity', /two histories/);
  const longer = log(line, W, [...specs, msg('three'), msg('four')]);
  fails(() => verifyBundle(c, b, { since: new Map([[W, longer.checkpoints[5]]]) }), 'integrity', /shrank/);
  const paris = log({ ...line, parties: [...line.parties, { name: 'Paris', key: keyOf('Paris') }] }, 'Paris', []);
  fails(() => verifyBundle(c, b, { since: new Map([['Paris', paris.checkpoint]]) }), 'integrity', /does not name Paris: a party was removed/);
});

test('whatever is not a bundle is a bad request naming what is wrong', () => {
  const good = goodBundle();
  const cases: Array<[unknown, RegExp]> = [
    [null, /holds null/],
    [[], /holds an array/],
    [42, /holds a number/],
    ['bundle', /holds a string/],
    [{}, /format is missing/],
    [{ format: 'hotline-bundle/v2' }, /format is "hotline-bundle\/v2"/],
    [{ format: BUNDLE_FORMAT, line: good.line }, /\/logs/],
    [{ ...good, logs: {} }, /\/logs/],
    [{ ...good, logs: null }, /\/logs/],
    [{ ...good, logs: [{ ...good.logs[0], entries: 'x' }] }, /\/logs\/0\/entries/],
    [{ ...good, logs: [{ ...good.logs[0], entries: [1] }] }, /\/logs\/0\/entries\/0/],
    [{ ...good, logs: [{ ...good.logs[0], checkpoint: null }] }, /\/logs\/0\/checkpoint/],
    [{ ...good, logs: [null] }, /\/logs\/0/],
    [{ ...good, line: null }, /\/line/],
    [{ ...good, line: { ...good.line, parties: null } }, /\/line\/parties/],
    [{ ...good, line: { ...good.line, parties: [{ name: W }] } }, /\/line\/parties\/0/],
    [{ ...good, line: { ...good.line, createdAt: -1 } }, /\/line\/createdAt/],
    [{ ...good, line: { ...good.line, createdAt: 1.5 } }, /\/line\/createdAt/],
    [{ ...good, extra: true }, /extra|additional|\/$/i],
    [{ ...good, creator: 7 }, /\/creator/],
  ];
  for (const [value, pattern] of cases) {
    fails(() => parseBundle(value), 'bad_request', pattern);
    fails(() => verifyBundle(c, value as Bundle), 'bad_request', pattern);
  }
});

// Every place in the JSON tree, with a way to change what is there.
type Path = Array<string | number>;
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}
function parentOf(root: any, path: Path): [any, string | number] {
  let node = root;
  for (const p of path.slice(0, -1)) node = node[p];
  return [node, path.at(-1)!];
}

type Mutation = { at: number; op: 'replace' | 'delete' | 'insert' | 'tweak' | 'swap'; value: unknown; char: number; text: string };

function mutate(original: Bundle, m: Mutation): unknown {
  const root = structuredClone(original) as any;
  const all = paths(root);
  const path = all[m.at % all.length];
  if (path.length === 0) return m.op === 'replace' ? m.value : root;
  const [parent, key] = parentOf(root, path);
  const here = parent[key];
  switch (m.op) {
    case 'replace':
      parent[key] = m.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'insert':
      if (Array.isArray(here)) here.splice(m.char % (here.length + 1), 0, m.value);
      else if (here && typeof here === 'object') here[m.text || 'x'] = m.value;
      else parent[key] = m.value;
      break;
    case 'tweak':
      if (typeof here === 'string' && here.length > 0) {
        const i = m.char % here.length;
        const replacement = m.text[0] ?? 'A';
        parent[key] = here.slice(0, i) + replacement + here.slice(i + 1);
      } else if (typeof here === 'number') parent[key] = here + 1;
      else if (typeof here === 'boolean') parent[key] = !here;
      break;
    case 'swap':
      if (Array.isArray(here) && here.length > 1) {
        const i = m.char % here.length;
        const j = (i + 1) % here.length;
        [here[i], here[j]] = [here[j], here[i]];
      }
      break;
  }
  return root;
}

const normalised = (b: Bundle) => ({ ...b, logs: [...b.logs].sort((x, y) => (x.party < y.party ? -1 : 1)) });

test('any mutation of a bundle is a no-op, a bad request or an integrity failure: never a crash, never a pass', () => {
  const original = goodBundle();
  const mutation = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('replace', 'delete', 'insert', 'tweak', 'swap'),
    value: fc.jsonValue({ maxDepth: 2 }),
    char: fc.nat(),
    text: fc.string({ maxLength: 3 }),
  }) as fc.Arbitrary<Mutation>;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      let value: unknown = original;
      for (const m of ms) value = mutate(value as Bundle, m);
      for (const pinned of [pins, []]) {
        let passed = false;
        try {
          verifyBundle(c, value as Bundle, { pinned });
          passed = true;
        } catch (e) {
          if (!(e instanceof HotlineError) || (e.code !== 'bad_request' && e.code !== 'integrity')) throw new Error(`mutation ${JSON.stringify(ms)} threw ${(e as Error).stack}`);
        }
        // Passing is only right if nothing that means anything changed (the order of the logs does not).
        if (passed) assert.deepEqual(normalised(value as Bundle), normalised(original), `a changed bundle verified: ${JSON.stringify(ms)}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('the bundles in docs/entry-format.md verify as the document says', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/entry-format.md', import.meta.url), 'utf8');
  const bundles = [...doc.matchAll(/```json\n(\{\n {2}"format": "hotline-bundle\/v1"[\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]) as Bundle).filter((b) => b.line.id !== '…');
  assert.equal(bundles.length, 2, 'the document shows an older bundle and a signed one');
  const pin = [parseVerifierKey(c, bundles[0].line.parties[0].key)];
  assert.deepEqual(verifyBundle(c, bundles[0], { pinned: pin }).definition, { signed: false });
  assert.deepEqual(verifyBundle(c, bundles[1], { pinned: pin }).definition, { signed: true, creator: 'Washington' });
  fails(() => verifyBundle(c, { ...bundles[1], line: { ...bundles[1].line, title: 'Tset' } }, { pinned: pin }), 'integrity', /title/);
});
