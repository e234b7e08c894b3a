import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  hashTileNodeRange,
  parseTilePath,
  tilePath,
  tileWidthAt,
} from './tile.ts';

// c2sp.org/tlog-tiles: "index 1234067 will be encoded as x001/x234/067".
test('tile paths use the spec index encoding', () => {
  assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
  assert.equal(tilePath({ level: 2, index: 0, width: 256 }), 'tile/2/000');
  assert.equal(tilePath({ level: 1, index: 999, width: 17 }), 'tile/1/999.p/17');
  assert.equal(tilePath({ level: 1, index: 1000, width: 1 }), 'tile/1/x001/000.p/1');
  assert.equal(entriesPath(1234067, 256), 'tile/entries/x001/x234/067');
  assert.equal(entriesPath(273, 112), 'tile/entries/273.p/112');
  assert.throws(() => tilePath({ level: 64, index: 0, width: 256 }), RangeError);
  assert.throws(() => tilePath({ level: 0, index: -1, width: 256 }), RangeError);
  assert.throws(() => tilePath({ level: 0, index: 0, width: 0 }), RangeError);
  assert.throws(() => entriesPath(0, 257), RangeError);
});

test('parseTilePath accepts canonical paths', () => {
  assert.deepEqual(parseTilePath('tile/0/x001/x234/067'), { kind: 'hash', level: 0, index: 1234067, width: 256 });
  assert.deepEqual(parseTilePath('tile/63/000.p/255'), { kind: 'hash', level: 63, index: 0, width: 255 });
  assert.deepEqual(parseTilePath('tile/entries/x001/x234/067.p/1'), { kind: 'entries', index: 1234067, width: 1 });
  assert.deepEqual(parseTilePath('tile/entries/000'), { kind: 'entries', index: 0, width: 256 });
});

test('parseTilePath rejects every non-canonical spelling', () => {
  for (const bad of [
    'tile/0/1', 'tile/0/0001', 'tile/0/x000/001', 'tile/0/x001/x234/67', 'tile/0/001/234/067', 'tile/0/x001/234x/067',
    'tile/00/001', 'tile/01/001', 'tile/64/001', 'tile/-1/001', 'tile/0/-01', 'tile/0/001.p/256', 'tile/0/001.p/0',
    'tile/0/001.p/01', 'tile/0/001.p/', 'tile/0/001.p/300', 'tile/0/001.p', 'tile/0/001/', '/tile/0/001', 'tile/0/001?',
    'tile/entries/001.p/256', 'tile/entry/001', 'tile/data/001', 'tile/8/0/001', 'tile/0/x001', 'tile/0/X001/000',
    'tile/0/001 ', 'tile/0/x999/x999/x999/x999/x999/x999/999', '',
  ]) {
    assert.equal(parseTilePath(bad), null, bad);
  }
});

test('property: tile paths round-trip', () => {
  fc.assert(
    fc.property(fc.nat(63), fc.maxSafeNat(), fc.integer({ min: 1, max: 256 }), (level, index, width) => {
      assert.deepEqual(parseTilePath(tilePath({ level, index, width })), { kind: 'hash', level, index, width });
      assert.deepEqual(parseTilePath(entriesPath(index, width)), { kind: 'entries', index, width });
    }),
  );
});

test('hash tiles cover 8 tree levels and up to 256 nodes', () => {
  assert.deepEqual(hashTileNodeRange({ level: 0, index: 0, width: 256 }), { level: 0, start: 0, end: 256 });
  assert.deepEqual(hashTileNodeRange({ level: 2, index: 3, width: 17 }), { level: 16, start: 768, end: 785 });
});

// c2sp.org/tlog-tiles §Partial Tiles: "a tree of size 70,000 will be
// represented by 273 full level 0 tiles, one partial level 0 tile of width
// 112, one full level 1 tile, one partial level 1 tile of width 17, and one
// partial level 2 tile of width 1. [...] a tree of size 256 will be
// represented by a full level 0 tile and a partial level 1 tile of width 1."
test('tile widths match the spec examples', () => {
  assert.equal(tileWidthAt(0, 272, 70000), 256);
  assert.equal(tileWidthAt(0, 273, 70000), 112);
  assert.equal(tileWidthAt(0, 274, 70000), 0);
  assert.equal(tileWidthAt(1, 0, 70000), 256);
  assert.equal(tileWidthAt(1, 1, 70000), 17);
  assert.equal(tileWidthAt(2, 0, 70000), 1);
  assert.equal(tileWidthAt(3, 0, 70000), 0);
  assert.equal(tileWidthAt(0, 0, 256), 256);
  assert.equal(tileWidthAt(1, 0, 256), 1);
  assert.equal(tileWidthAt(0, 1, 256), 0);
  assert.equal(tileWidthAt(0, 0, 0), 0);
  assert.equal(tileWidthAt(6, 0, 2 ** 53 - 1), 31);
  assert.equal(tileWidthAt(7, 0, 2 ** 53 - 1), 0);
  assert.throws(() => tileWidthAt(-1, 0, 5), RangeError);
  assert.throws(() => tileWidthAt(0, 0.5, 5), RangeError);
});

test('entry bundles round-trip and reject truncation and oversize entries', () => {
  const entries = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array(65535)];
  const bundle = encodeEntryBundle(entries);
  assert.deepEqual([...bundle.subarray(0, 7)], [0, 0, 0, 3, 1, 2, 3]);
  assert.deepEqual([...bundle.subarray(7, 9)], [1, 44]);
  assert.deepEqual(decodeEntryBundle(bundle), entries);
  assert.deepEqual(decodeEntryBundle(new Uint8Array(0)), []);
  assert.throws(() => encodeEntryBundle([new Uint8Array(65536)]), RangeError);
  for (const cut of [1, 3, 5, 8, bundle.length - 1]) {
    assert.throws(() => decodeEntryBundle(bundle.subarray(0, cut)), /truncated/, `cut at ${cut}`);
  }
});

test('property: entry bundles round-trip', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }), (entries) => {
      assert.deepEqual(decodeEntryBundle(encodeEntryBundle(entries)), entries);
    }),
  );
});
