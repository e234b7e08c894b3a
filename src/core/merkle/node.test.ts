import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c } from '../../node/crypto.ts';
import { utf8Encode } from '../encoding.ts';
import { leafHash, rootFromLeafHashes } from './hash.ts';
import { hashNodes, nodeKey, perfectNodes } from './node.ts';
import { ReferenceTree } from './reference-tree.ts';

test('perfectNodes decomposes ranges into maximal aligned subtrees', () => {
  assert.deepEqual(perfectNodes(0, 0), []);
  assert.deepEqual(perfectNodes(0, 7), [{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
  assert.deepEqual(perfectNodes(4, 7), [{ level: 1, index: 2 }, { level: 0, index: 6 }]);
  assert.deepEqual(perfectNodes(3, 13), [
    { level: 0, index: 3 }, { level: 2, index: 1 }, { level: 2, index: 2 }, { level: 0, index: 12 },
  ]);
  // Beyond 2^32, where bit operators would silently wrap.
  assert.deepEqual(perfectNodes(2 ** 40, 2 ** 40 + 3), [{ level: 1, index: 2 ** 39 }, { level: 0, index: 2 ** 40 + 2 }]);
  assert.throws(() => perfectNodes(5, 4), RangeError);
  assert.throws(() => perfectNodes(-1, 4), RangeError);
  assert.throws(() => perfectNodes(0.5, 4), RangeError);
});

test('nodeKey is unique per node', () => {
  assert.equal(nodeKey({ level: 3, index: 12 }), '3/12');
  assert.notEqual(nodeKey({ level: 1, index: 11 }), nodeKey({ level: 11, index: 1 }));
});

test('perfectNodes tiles the range exactly with aligned, unmergeable nodes', () => {
  fc.assert(
    fc.property(fc.nat(1_000_000), fc.nat(100_000), (start, len) => {
      const nodes = perfectNodes(start, start + len);
      let at = start;
      for (let i = 0; i < nodes.length; i++) {
        const { level, index } = nodes[i];
        const width = 2 ** level;
        assert.equal(index * width, at);
        at += width;
        // Maximal: the parent of this node is not also inside the range.
        const parentStart = Math.floor(index / 2) * width * 2;
        assert.ok(parentStart < start || parentStart + width * 2 > start + len);
      }
      assert.equal(at, start + len);
    }),
  );
});

test('folding the perfect decomposition of [0, n) gives the reference root', () => {
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(c, utf8Encode(`leaf ${i}`)));
  const tree = new ReferenceTree(c, leaves);
  for (let n = 1; n <= 300; n++) {
    const folded = hashNodes(c, perfectNodes(0, n).map(tree.node));
    assert.deepEqual(folded, rootFromLeafHashes(c, leaves.slice(0, n)), `size ${n}`);
  }
  assert.throws(() => hashNodes(c, []), RangeError);
});
