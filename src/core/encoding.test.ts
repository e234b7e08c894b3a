import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  fromHex,
  isWellFormed,
  toBase64,
  toHex,
  utf8Decode,
  utf8Encode,
} from './encoding.ts';

const ascii = (s: string) => new Uint8Array([...s].map((ch) => ch.charCodeAt(0)));

// RFC 4648 §10 test vectors.
test('base64 matches RFC 4648 §10', () => {
  const vectors: Array<[string, string]> = [
    ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(toBase64(ascii(plain)), encoded);
    assert.deepEqual(fromBase64(encoded), ascii(plain));
  }
  assert.equal(toBase64(new Uint8Array([0xfb, 0xff, 0xbf])), '+/+/');
});

test('fromBase64 rejects non-canonical and malformed input', () => {
  for (const bad of ['Zg', 'Zg=', 'Zh==', 'Zm9=', 'Zm8', 'Z===', '====', 'Zm9v\n', ' Zm9v', 'Zm9v=', 'Zm-v', 'Zm_v', 'Zg==Zg==', 'Zé==', 'A']) {
    assert.throws(() => fromBase64(bad), Error, JSON.stringify(bad));
  }
});

test('property: base64 round-trips and agrees with Buffer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      const s = toBase64(b);
      assert.equal(s, Buffer.from(b).toString('base64'));
      assert.deepEqual(fromBase64(s), b);
    }),
  );
});

test('property: any decodable base64 string re-encodes to itself', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9+/=]{0,12}$/), (s) => {
      let decoded: Uint8Array;
      try {
        decoded = fromBase64(s);
      } catch {
        return;
      }
      assert.equal(toBase64(decoded), s);
    }),
    { numRuns: 2000 },
  );
});

test('hex round-trips, accepts either case and rejects junk', () => {
  assert.equal(toHex(new Uint8Array([0, 1, 0xab, 0xff])), '0001abff');
  assert.deepEqual(fromHex('0001ABff'), new Uint8Array([0, 1, 0xab, 0xff]));
  assert.deepEqual(fromHex(''), new Uint8Array(0));
  for (const bad of ['0', 'abc', '0g', ' 00', '00 ', '0x00', '+1']) assert.throws(() => fromHex(bad), Error, bad);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => assert.deepEqual(fromHex(toHex(b)), b)));
});

test('utf8 is strict in both directions', () => {
  assert.deepEqual(utf8Encode('— é'), new Uint8Array([0xe2, 0x80, 0x94, 0x20, 0xc3, 0xa9]));
  assert.equal(utf8Decode(new Uint8Array([0xe2, 0x80, 0x94])), '—');
  // A leading BOM is content, not metadata.
  assert.equal(utf8Decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA');
  assert.throws(() => utf8Decode(new Uint8Array([0xff])));
  assert.throws(() => utf8Decode(new Uint8Array([0xc3])));
  assert.throws(() => utf8Decode(new Uint8Array([0xed, 0xa0, 0x80]))); // encoded surrogate
  assert.throws(() => utf8Encode('a\ud800b'));
  assert.equal(isWellFormed('a\ud83d\ude00b'), true);
  assert.equal(isWellFormed('\udc00'), false);
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => assert.equal(utf8Decode(utf8Encode(s)), s)));
});

test('concatBytes and bytesEqual', () => {
  assert.deepEqual(concatBytes(), new Uint8Array(0));
  assert.deepEqual(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])), new Uint8Array([1, 2, 3]));
  assert.ok(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.ok(!bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert.ok(!bytesEqual(new Uint8Array([1]), new Uint8Array([1, 0])));
});
