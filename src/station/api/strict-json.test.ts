import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HotlineError } from '../../core/errors.ts';
import { textProblem } from '../../core/kinds/text.ts';
import { MAX_DEPTH, parseStrictJson } from './strict-json.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const refused = (input: Uint8Array, reason: RegExp) =>
  assert.throws(() => parseStrictJson(input), (e: unknown) => e instanceof HotlineError && e.code === 'bad_request' && reason.test(e.message));

// Every string in a value, keys included.
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

test('any JSON document of well-formed text parses to the value JSON.parse gives (with -0 as 0)', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
    const text = JSON.stringify(value);
    const clean = strings(value).every((s) => textProblem(s) === null) && !/"(__proto__|constructor|prototype)":/.test(text);
    if (!clean) return;
    assert.deepEqual(parseStrictJson(bytes(text)), JSON.parse(text, (_key, v) => (Object.is(v, -0) ? 0 : v)));
  }), { numRuns: 500 });
});

test('NUL and unpaired surrogates are refused in values and keys, wherever they are', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.boolean(), (value, bad, asKey) => {
    const doc = asKey ? { [`k${bad}`]: value } : [value, { deep: [`x${bad}y`] }];
    refused(bytes(JSON.stringify(doc)), /NUL|unpaired surrogate/);
  }), { numRuns: 200 });
  // A pair is one character, not two bad halves.
  assert.deepEqual(parseStrictJson(bytes('{"t":"\\ud83d\\ude00"}')), { t: '😀' });
});

test('bytes that are not UTF-8 are refused, never repaired', () => {
  for (const bad of [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
    refused(new Uint8Array([...bytes('{"t":"a'), ...bad, ...bytes('"}')]), /not valid UTF-8/);
  }
});

test('depth, non-finite numbers, prototype keys and broken JSON are refused with the reason', () => {
  refused(bytes('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1)), /nested more than 32/);
  assert.deepEqual(parseStrictJson(bytes('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))), JSON.parse('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH)));
  // Far deeper than a recursive walk could go: still a clean refusal.
  refused(bytes('['.repeat(100_000) + ']'.repeat(100_000)), /nested more than 32/);
  refused(bytes('{"n":1e400}'), /body\/n is a number too large/);
  refused(bytes('[-1e999]'), /too large/);
  refused(bytes('{"__proto__":{"admin":true}}'), /"__proto__" is not allowed/);
  refused(bytes('{"a":{"constructor":{}}}'), /body\/a: the key "constructor"/);
  refused(bytes('{"a":'), /not valid JSON/);
  assert.equal(parseStrictJson(new Uint8Array()), undefined);
  assert.equal(Object.is(parseStrictJson(bytes('-0')), 0), true);
  assert.deepEqual(parseStrictJson(bytes('{"a":-0,"b":[-0]}')), { a: 0, b: [0] });
});
