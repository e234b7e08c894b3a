import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { decodeEntry, encodeEntry, entrySigningBytes, verifyEntry, MAX_ENTRY_BYTES, type EntryFields } from './entry.ts';
import { nodeCrypto, signerFromSeed } from '../node/crypto.ts';
import { utf8Decode, utf8Encode } from './encoding.ts';

const signer = signerFromSeed(new Uint8Array(32).fill(1));
const fields = (over: Partial<EntryFields> = {}): EntryFields => ({
  v: 1, line: 'deconfliction', party: 'Washington', seq: 0, time: 1_700_000_000_000, kind: 'message', body: { text: 'Requesting a call', lang: 'en' }, seen: { Moscow: 3 }, ...over,
});
const expect = { line: 'deconfliction', party: 'Washington', seq: 0, publicKey: signer.publicKey };

test('an entry is the RFC 8785 form of its fields plus the signature', () => {
  const bytes = encodeEntry(fields(), signer);
  const text = utf8Decode(bytes);
  assert.equal(text, canonicalize(JSON.parse(text)));
  assert.deepEqual(Object.keys(JSON.parse(text)), ['body', 'kind', 'line', 'party', 'seen', 'seq', 'sig', 'time', 'v']);
  const entry = verifyEntry(nodeCrypto, bytes, expect);
  assert.equal(entry.body.text, 'Requesting a call');
});

test('the signed bytes carry a context string, so no other signed object can pass as an entry', () => {
  assert.ok(utf8Decode(entrySigningBytes(fields())).startsWith('hotline/entry/v1\n{'));
});

test('encoding splices the signature exactly where canonicalisation puts it, for any body', () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  fc.assert(
    fc.property(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('time', 'sig', 'seq', 'v')), json), fc.nat(), (body, time) => {
      const f = fields({ body: body as EntryFields['body'], time });
      let bytes: Uint8Array;
      try {
        bytes = encodeEntry(f, signer);
      } catch {
        return true; // e.g. -0 or lone surrogates that JSON cannot carry canonically
      }
      const parsed = JSON.parse(utf8Decode(bytes));
      assert.equal(utf8Decode(bytes), canonicalize(parsed));
      verifyEntry(nodeCrypto, bytes, { ...expect });
    }),
    { numRuns: 300 },
  );
});

test('any change to the bytes is rejected', () => {
  const bytes = encodeEntry(fields(), signer);
  for (let i = 0; i < bytes.length; i++) {
    const bad = bytes.slice();
    bad[i] ^= 0x01;
    assert.throws(() => verifyEntry(nodeCrypto, bad, expect), Error, `byte ${i}`);
  }
});

test('an entry is checked against the position it occupies', () => {
  const bytes = encodeEntry(fields({ seq: 4 }), signer);
  assert.throws(() => verifyEntry(nodeCrypto, bytes, expect), /sequence number 4, expected 0/);
  assert.throws(() => verifyEntry(nodeCrypto, encodeEntry(fields(), signer), { ...expect, line: 'other' }), /names line/);
  assert.throws(() => verifyEntry(nodeCrypto, encodeEntry(fields(), signer), { ...expect, publicKey: signerFromSeed(new Uint8Array(32)).publicKey }), /signature does not verify/);
});

test('non-canonical, malformed or oversized entries are refused', () => {
  const text = utf8Decode(encodeEntry(fields(), signer));
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text)).reverse()));
  assert.throws(() => decodeEntry(utf8Encode(reordered)), /canonical/);
  assert.throws(() => decodeEntry(utf8Encode(text.replace('{', '{ '))), /canonical/);
  assert.throws(() => decodeEntry(utf8Encode('[1]')), /not a JSON object/);
  assert.throws(() => decodeEntry(utf8Encode('{"a":1}')), /fields are/);
  assert.throws(() => decodeEntry(new Uint8Array([0xff, 0xfe])), /UTF-8 JSON/);
  assert.throws(() => encodeEntry(fields({ seq: -1 }), signer), /sequence number/);
  assert.throws(() => encodeEntry(fields({ kind: 'Bad Kind' }), signer), /kind/);
  assert.throws(() => encodeEntry(fields({ seen: { 'bad name': 1 } }), signer), /seen-size/);
  assert.throws(() => encodeEntry(fields({ body: { text: 'x'.repeat(MAX_ENTRY_BYTES) } }), signer), /limit is 65535/);
});
