import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto as c } from '../../node/crypto.ts';
import { fromHex, toHex, utf8Encode } from '../encoding.ts';
import { emptyRoot, leafHash, rootFromLeafHashes } from './hash.ts';
import { appendLeaf, frontierNodeIds, frontierRoot, type Frontier } from './frontier.ts';
import { nodeKey, perfectNodes } from './node.ts';
import { ReferenceTree } from './reference-tree.ts';

// github.com/transparency-dev/merkle testonly/constants.go: leaf hashes of
// LeafInputs() and CompactTrees(), the frontier after each append.
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const H10 = 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125';
const H12 = '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a';
const H20 = 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7';
const H30 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const COMPACT_TREES = [
  [],
  [LEAF_HASHES[0]],
  [H10],
  [H10, LEAF_HASHES[2]],
  [H20],
  [H20, LEAF_HASHES[4]],
  [H20, H12],
  [H20, H12, LEAF_HASHES[6]],
  [H30],
];

test('frontier after each append matches the published compact trees', () => {
  let frontier: Frontier = [];
  assert.deepEqual(frontier.map(toHex), COMPACT_TREES[0]);
  LEAF_HASHES.forEach((h, size) => {
    frontier = appendLeaf(c, frontier, size, fromHex(h)).frontier;
    assert.deepEqual(frontier.map(toHex), COMPACT_TREES[size + 1], `size ${size + 1}`);
  });
});

test('frontier root equals the reference root for every size up to 300', () => {
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
  let frontier: Frontier = [];
  assert.deepEqual(frontierRoot(c, frontier), emptyRoot(c));
  for (let size = 0; size < leaves.length; size++) {
    frontier = appendLeaf(c, frontier, size, leaves[size]).frontier;
    assert.deepEqual(frontierRoot(c, frontier), rootFromLeafHashes(c, leaves.slice(0, size + 1)), `size ${size + 1}`);
  }
});

test('appendLeaf reports exactly the perfect nodes the append completed, with their hashes', () => {
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
  const tree = new ReferenceTree(c, leaves);
  const complete = (size: number): Set<string> => {
    const keys = new Set<string>();
    for (let level = 0; 2 ** level <= size; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= size; index++) keys.add(nodeKey({ level, index }));
    }
    return keys;
  };
  let frontier: Frontier = [];
  for (let size = 0; size < leaves.length; size++) {
    const result = appendLeaf(c, frontier, size, leaves[size]);
    frontier = result.frontier;
    const before = complete(size);
    const expected = [...complete(size + 1)].filter((k) => !before.has(k)).sort();
    assert.deepEqual(result.nodes.map(nodeKey).sort(), expected, `append at ${size}`);
    for (const n of result.nodes) assert.deepEqual(n.hash, tree.node(n));
  }
});

test('frontierNodeIds names the stored nodes that reload a frontier', () => {
  const leaves = Array.from({ length: 130 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
  const tree = new ReferenceTree(c, leaves);
  let frontier: Frontier = [];
  for (let size = 0; size <= leaves.length; size++) {
    assert.deepEqual(frontierNodeIds(size).map(tree.node), frontier, `size ${size}`);
    if (size < leaves.length) frontier = appendLeaf(c, frontier, size, leaves[size]).frontier;
  }
  assert.deepEqual(frontierNodeIds(6), perfectNodes(0, 6));
});

test('appendLeaf rejects a frontier that does not fit the size', () => {
  const h = leafHash(c, new Uint8Array(0));
  assert.throws(() => appendLeaf(c, [], 1, h), RangeError);
  assert.throws(() => appendLeaf(c, [h], 3, h), RangeError);
  assert.throws(() => appendLeaf(c, [h, h], 2, h), RangeError);
  assert.throws(() => appendLeaf(c, [], -1, h), RangeError);
  assert.throws(() => appendLeaf(c, [], 0.5, h), RangeError);
});
