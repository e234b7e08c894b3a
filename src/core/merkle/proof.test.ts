import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c } from '../../node/crypto.ts';
import { fromHex, toHex, utf8Encode } from '../encoding.ts';
import { emptyRoot, leafHash, rootFromLeafHashes } from './hash.ts';
import { nodeKey, type NodeId } from './node.ts';
import {
  consistencyProof,
  consistencyProofNodeIds,
  inclusionProof,
  inclusionProofNodeIds,
  verifyConsistency,
  verifyInclusion,
} from './proof.ts';
import { ReferenceTree } from './reference-tree.ts';

// RFC 6962 reference data as published in github.com/transparency-dev/merkle
// (testonly/constants.go and log_verifier_test.go, originally from
// google/certificate-transparency): the 8 standard leaves, the roots of each
// prefix, and known-good inclusion and consistency proofs.
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// log_verifier_test.go lists leaves 1-based; converted to 0-based indices.
const INCLUSION = [
  { index: 0, size: 1, proof: [] as string[] },
  {
    index: 0, size: 8, proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5, size: 8, proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1, size: 5, proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  { m: 1, n: 1, proof: [] as string[] },
  {
    m: 1, n: 8, proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6, n: 8, proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2, n: 5, proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const vectorLeaves = LEAF_INPUTS.map((h) => leafHash(c, fromHex(h)));
const vectorTree = new ReferenceTree(c, vectorLeaves);
const root = (n: number): Uint8Array => fromHex(ROOTS[n]);
const SOME_HASH = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');

function treeOf(size: number): { leaves: Uint8Array[]; tree: ReferenceTree } {
  const leaves = Array.from({ length: size }, (_, i) => leafHash(c, utf8Encode(`leaf ${i}`)));
  return { leaves, tree: new ReferenceTree(c, leaves) };
}

/** Wraps storage so a test can see every node generation asked for. */
function recording(tree: ReferenceTree): { node: (id: NodeId) => Uint8Array; read: Set<string> } {
  const read = new Set<string>();
  return { read, node: (id) => (read.add(nodeKey(id)), tree.node(id)) };
}

// nodeCrypto returns Buffers, whose slice() is a view: copy explicitly so a
// corruption never leaks into the shared fixture.
function flipped(b: Uint8Array, at: number, bit = 1): Uint8Array {
  const out = new Uint8Array(b);
  out[at] ^= bit;
  return out;
}

test('inclusion proofs match the published vectors and verify', () => {
  for (const v of INCLUSION) {
    const proof = inclusionProof(c, v.index, v.size, vectorTree.node);
    assert.deepEqual(proof.map(toHex), v.proof, `${v.index}/${v.size}`);
    assert.ok(verifyInclusion(c, v.index, v.size, vectorLeaves[v.index], proof, root(v.size)));
  }
});

test('consistency proofs match the published vectors and verify', () => {
  for (const v of CONSISTENCY) {
    const proof = consistencyProof(c, v.m, v.n, vectorTree.node);
    assert.deepEqual(proof.map(toHex), v.proof, `${v.m}->${v.n}`);
    assert.ok(verifyConsistency(c, v.m, v.n, proof, root(v.m), root(v.n)));
  }
});

// The corruption probes of transparency-dev/merkle log_verifier_test.go.
test('published inclusion proofs fail under every corruption probe', () => {
  for (const v of INCLUSION.filter((x) => x.size > 1)) {
    const proof = v.proof.map(fromHex);
    const leaf = vectorLeaves[v.index];
    const r = root(v.size);
    const bad: Array<[string, number, number, Uint8Array, Uint8Array[], Uint8Array]> = [
      ['index - 1', v.index - 1, v.size, leaf, proof, r],
      ['index + 1', v.index + 1, v.size, leaf, proof, r],
      ['index ^ 2', v.index ^ 2, v.size, leaf, proof, r],
      ['size * 2', v.index, v.size * 2, leaf, proof, r],
      ['size / 2', v.index, Math.floor(v.size / 2), leaf, proof, r],
      ['wrong leaf', v.index, v.size, utf8Encode('WrongLeaf'), proof, r],
      ['empty root', v.index, v.size, leaf, proof, emptyRoot(c)],
      ['random root', v.index, v.size, leaf, proof, SOME_HASH],
      ['trailing garbage', v.index, v.size, leaf, [...proof, new Uint8Array(0)], r],
      ['trailing root', v.index, v.size, leaf, [...proof, r], r],
      ['preceding garbage', v.index, v.size, leaf, [new Uint8Array(0), ...proof], r],
      ['preceding root', v.index, v.size, leaf, [r, ...proof], r],
      ['removed component', v.index, v.size, leaf, proof.slice(0, -1), r],
      ['inserted component', v.index, v.size, leaf, [proof[0], SOME_HASH, ...proof.slice(1)], r],
      ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array[], Uint8Array] =>
        [`proof[${i}] bit 3`, v.index, v.size, leaf, proof.map((p, j) => (j === i ? flipped(p, 0, 8) : p)), r]),
    ];
    for (const [desc, index, size, l, p, rt] of bad) {
      assert.equal(verifyInclusion(c, index, size, l, p, rt), false, `${v.index}/${v.size}: ${desc}`);
    }
  }
});

test('published consistency proofs fail under every corruption probe', () => {
  for (const v of CONSISTENCY.filter((x) => x.proof.length > 0)) {
    const proof = v.proof.map(fromHex);
    const r1 = root(v.m);
    const r2 = root(v.n);
    const bad: Array<[string, number, number, Uint8Array, Uint8Array, Uint8Array[]]> = [
      ['m - 1', v.m - 1, v.n, r1, r2, proof],
      ['m + 1', v.m + 1, v.n, r1, r2, proof],
      ['m ^ 2', v.m ^ 2, v.n, r1, r2, proof],
      ['n * 2', v.m, v.n * 2, r1, r2, proof],
      ['n / 2', v.m, Math.floor(v.n / 2), r1, r2, proof],
      ['wrong root1', v.m, v.n, SOME_HASH, r2, proof],
      ['wrong root2', v.m, v.n, r1, SOME_HASH, proof],
      ['swapped roots', v.m, v.n, r2, r1, proof],
      ['empty proof', v.m, v.n, r1, r2, []],
      ['trailing garbage', v.m, v.n, r1, r2, [...proof, new Uint8Array(0)]],
      ['trailing root1', v.m, v.n, r1, r2, [...proof, r1]],
      ['trailing root2', v.m, v.n, r1, r2, [...proof, r2]],
      ['preceding garbage', v.m, v.n, r1, r2, [new Uint8Array(0), ...proof]],
      ['preceding root1', v.m, v.n, r1, r2, [r1, ...proof]],
      ['preceding root2', v.m, v.n, r1, r2, [r2, ...proof]],
      ['preceding proof[0]', v.m, v.n, r1, r2, [proof[0], ...proof]],
      ['truncated proof', v.m, v.n, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] =>
        [`proof[${i}] bit 4`, v.m, v.n, r1, r2, proof.map((p, j) => (j === i ? flipped(p, 0, 16) : p))]),
    ];
    for (const [desc, m, n, a, b, p] of bad) {
      assert.equal(verifyConsistency(c, m, n, p, a, b), false, `${v.m}->${v.n}: ${desc}`);
    }
  }
});

// Node-id sets from transparency-dev/merkle proof/proof_test.go (TestInclusion
// and TestConsistency), for the 7/8-leaf trees drawn there. Compared as sets:
// that package orders ids for its own rehashing, we order by proof element.
test('proof node ids match the published node sets', () => {
  const ids = (list: Array<[number, number]>) => list.map(([level, index]) => nodeKey({ level, index })).sort();
  const got = (list: NodeId[]) => list.map(nodeKey).sort();
  const inclusion: Array<[number, number, Array<[number, number]>]> = [
    [0, 1, []],
    [0, 2, [[0, 1]]],
    [1, 2, [[0, 0]]],
    [1, 3, [[0, 0], [0, 2]]],
    [0, 7, [[0, 1], [1, 1], [0, 6], [1, 2]]],
    [2, 7, [[0, 3], [1, 0], [0, 6], [1, 2]]],
    [4, 7, [[0, 5], [0, 6], [2, 0]]],
    [6, 7, [[1, 2], [2, 0]]],
    [3, 5, [[0, 2], [1, 0], [0, 4]]],
    [4, 6, [[0, 5], [2, 0]]],
    [10, 15, [[0, 11], [1, 4], [0, 14], [1, 6], [3, 0]]],
    [24, 31, [[0, 25], [1, 13], [0, 30], [1, 14], [3, 2], [4, 0]]],
    [81, 95, [[0, 80], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
  ];
  for (const [index, size, want] of inclusion) {
    assert.deepEqual(got(inclusionProofNodeIds(index, size)), ids(want), `inclusion ${index}/${size}`);
  }
  const consistency: Array<[number, number, Array<[number, number]>]> = [
    [1, 2, [[0, 1]]],
    [1, 4, [[0, 1], [1, 1]]],
    [1, 6, [[0, 1], [1, 1], [1, 2]]],
    [2, 3, [[0, 2]]],
    [2, 8, [[1, 1], [2, 1]]],
    [3, 7, [[0, 2], [0, 3], [1, 0], [0, 6], [1, 2]]],
    [4, 7, [[0, 6], [1, 2]]],
    [5, 7, [[0, 4], [0, 5], [0, 6], [2, 0]]],
    [6, 7, [[1, 2], [0, 6], [2, 0]]],
    [7, 8, [[0, 6], [0, 7], [1, 2], [2, 0]]],
    [5, 5, []],
    [3, 6, [[0, 2], [0, 3], [1, 0], [1, 2]]],
    [10, 15, [[1, 4], [1, 5], [0, 14], [1, 6], [3, 0]]],
    [24, 31, [[3, 2], [0, 30], [1, 14], [2, 6], [4, 0]]],
    [81, 95, [[0, 80], [0, 81], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
  ];
  for (const [m, n, want] of consistency) {
    assert.deepEqual(got(consistencyProofNodeIds(m, n)), ids(want), `consistency ${m}->${n}`);
  }
});

test('trivial consistency cases follow the documented RFC 9162 edge rules', () => {
  const e = emptyRoot(c);
  const r1 = root(1);
  assert.ok(verifyConsistency(c, 0, 0, [], e, e));
  assert.ok(verifyConsistency(c, 0, 5, [], e, root(5)));
  assert.ok(verifyConsistency(c, 3, 3, [], root(3), root(3)));
  assert.equal(verifyConsistency(c, 3, 3, [], root(3), root(4)), false);
  assert.equal(verifyConsistency(c, 3, 3, [e], root(3), root(3)), false);
  // Size 0 must carry the empty-tree root, and never a proof.
  assert.equal(verifyConsistency(c, 0, 5, [], r1, root(5)), false);
  assert.equal(verifyConsistency(c, 0, 1, [e], e, r1), false);
  assert.equal(verifyConsistency(c, 0, 0, [], e, r1), false);
  // Time travel and non-sizes.
  assert.equal(verifyConsistency(c, 2, 1, [], r1, r1), false);
  assert.equal(verifyConsistency(c, 1, 2, [], r1, root(2)), false);
  assert.equal(verifyConsistency(c, 1.5, 2, [], r1, root(2)), false);
  assert.equal(verifyConsistency(c, -1, 2, [], r1, root(2)), false);
  assert.equal(verifyConsistency(c, 1, Infinity, [], r1, root(2)), false);
  assert.deepEqual(consistencyProof(c, 0, 8, vectorTree.node), []);
  assert.deepEqual(consistencyProof(c, 8, 8, vectorTree.node), []);
  assert.throws(() => consistencyProof(c, 9, 8, vectorTree.node), RangeError);
});

test('inclusion rejects out-of-range and malformed inputs without throwing', () => {
  const leaf = vectorLeaves[0];
  assert.ok(verifyInclusion(c, 0, 1, leaf, [], leaf));
  for (const [index, size] of [[0, 0], [1, 0], [2, 1], [1, 1], [-1, 1], [0.5, 1], [NaN, 1], [0, 2 ** 60]]) {
    assert.equal(verifyInclusion(c, index, size, leaf, [], leaf), false, `${index}/${size}`);
  }
  assert.equal(verifyInclusion(c, 0, 1, new Uint8Array(0), [], new Uint8Array(0)), false);
  assert.equal(verifyInclusion(c, 0, 1, leaf, [], new Uint8Array(0)), false);
  assert.equal(verifyInclusion(c, 0, 1, leaf, undefined as unknown as Uint8Array[], leaf), false);
  assert.throws(() => inclusionProof(c, 8, 8, vectorTree.node), RangeError);
  assert.throws(() => inclusionProof(c, 0, 0, vectorTree.node), RangeError);
});

const sizeAndIndex = fc.integer({ min: 1, max: 300 }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
const sizePair = fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));
const big = treeOf(300);

test('property: generated inclusion proofs verify against the reference root', () => {
  fc.assert(
    fc.property(sizeAndIndex, ([size, index]) => {
      const rec = recording(big.tree);
      const proof = inclusionProof(c, index, size, rec.node);
      const ref = rootFromLeafHashes(c, big.leaves.slice(0, size));
      assert.ok(verifyInclusion(c, index, size, big.leaves[index], proof, ref));
      // The id list is exactly what generation read, and lies inside the tree.
      const ids = inclusionProofNodeIds(index, size);
      assert.deepEqual(new Set(ids.map(nodeKey)), rec.read);
      assert.equal(ids.length, rec.read.size);
      for (const id of ids) assert.ok((id.index + 1) * 2 ** id.level <= size);
    }),
    { numRuns: 300 },
  );
});

test('property: generated consistency proofs verify against the reference roots', () => {
  fc.assert(
    fc.property(sizePair, ([m, n]) => {
      const rec = recording(big.tree);
      const proof = consistencyProof(c, m, n, rec.node);
      const rootM = rootFromLeafHashes(c, big.leaves.slice(0, m));
      const rootN = rootFromLeafHashes(c, big.leaves.slice(0, n));
      assert.ok(verifyConsistency(c, m, n, proof, rootM, rootN));
      const ids = consistencyProofNodeIds(m, n);
      assert.deepEqual(new Set(ids.map(nodeKey)), rec.read);
      assert.equal(ids.length, rec.read.size);
      for (const id of ids) assert.ok((id.index + 1) * 2 ** id.level <= n);
    }),
    { numRuns: 300 },
  );
});

/** One way of damaging a proof: flip a byte somewhere, or drop/add an element. */
const damage = fc.record({
  kind: fc.constantFrom('proof', 'rootA', 'rootB', 'drop', 'add', 'dup'),
  which: fc.nat(),
  at: fc.nat(31),
  bit: fc.integer({ min: 1, max: 255 }),
});

test('property: any single-byte change or dropped/added element breaks an inclusion proof', () => {
  fc.assert(
    fc.property(sizeAndIndex, damage, ([size, index], d) => {
      const proof = inclusionProof(c, index, size, big.tree.node);
      let leaf = big.leaves[index];
      let r = rootFromLeafHashes(c, big.leaves.slice(0, size));
      let p = proof.slice();
      if (d.kind === 'proof') {
        if (p.length === 0) return;
        const i = d.which % p.length;
        p[i] = flipped(p[i], d.at, d.bit);
      } else if (d.kind === 'rootA') leaf = flipped(leaf, d.at, d.bit);
      else if (d.kind === 'rootB') r = flipped(r, d.at, d.bit);
      else if (d.kind === 'drop') {
        if (p.length === 0) return;
        p.splice(d.which % p.length, 1);
      } else if (d.kind === 'add') p.splice(d.which % (p.length + 1), 0, SOME_HASH);
      else p = [...p, r];
      assert.equal(verifyInclusion(c, index, size, leaf, p, r), false);
    }),
    { numRuns: 500 },
  );
});

test('property: any single-byte change or dropped/added element breaks a consistency proof', () => {
  fc.assert(
    fc.property(sizePair, damage, ([m, n], d) => {
      if (m === n) return;
      const proof = consistencyProof(c, m, n, big.tree.node);
      let rootM = rootFromLeafHashes(c, big.leaves.slice(0, m));
      let rootN = rootFromLeafHashes(c, big.leaves.slice(0, n));
      let p = proof.slice();
      if (d.kind === 'proof') {
        const i = d.which % p.length;
        p[i] = flipped(p[i], d.at, d.bit);
      } else if (d.kind === 'rootA') rootM = flipped(rootM, d.at, d.bit);
      else if (d.kind === 'rootB') rootN = flipped(rootN, d.at, d.bit);
      else if (d.kind === 'drop') p.splice(d.which % p.length, 1);
      else if (d.kind === 'add') p.splice(d.which % (p.length + 1), 0, SOME_HASH);
      else p = [...p, p[p.length - 1]];
      assert.equal(verifyConsistency(c, m, n, p, rootM, rootN), false);
    }),
    { numRuns: 500 },
  );
});

test('every byte of every proof element matters (exhaustive, sizes up to 24)', () => {
  const { leaves, tree } = treeOf(24);
  for (let size = 1; size <= 24; size++) {
    const r = rootFromLeafHashes(c, leaves.slice(0, size));
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(c, index, size, tree.node);
      proof.forEach((p, i) => {
        for (let at = 0; at < 32; at += 7) {
          const bad = proof.map((q, j) => (j === i ? flipped(p, at) : q));
          assert.equal(verifyInclusion(c, index, size, leaves[index], bad, r), false);
        }
      });
    }
    for (let m = 1; m < size; m++) {
      const proof = consistencyProof(c, m, size, tree.node);
      const rm = rootFromLeafHashes(c, leaves.slice(0, m));
      proof.forEach((p, i) => {
        const bad = proof.map((q, j) => (j === i ? flipped(p, 31) : q));
        assert.equal(verifyConsistency(c, m, size, bad, rm, r), false);
      });
    }
  }
});

test('proofs for a smaller tree never read nodes past its size', () => {
  // A stored tree larger than the proof's tree, as in a live log.
  const { leaves, tree } = treeOf(100);
  for (const [index, size] of [[5, 37], [36, 37], [0, 64], [63, 65]]) {
    const ids = inclusionProofNodeIds(index, size);
    for (const id of ids) assert.ok((id.index + 1) * 2 ** id.level <= size);
    const proof = inclusionProof(c, index, size, tree.node);
    assert.ok(verifyInclusion(c, index, size, leaves[index], proof, rootFromLeafHashes(c, leaves.slice(0, size))));
  }
});

test('verification handles sizes beyond 2^32 without bit-operator truncation', () => {
  // A proof for index 2^33 in a tree of 2^33 + 1 leaves: the left subtree
  // (2^33 leaves) is the only sibling, so any 32-byte value stands in for it.
  const leaf = vectorLeaves[3];
  const left = SOME_HASH;
  const size = 2 ** 33 + 1;
  const r = c.sha256(new Uint8Array([1, ...left, ...leaf]));
  assert.ok(verifyInclusion(c, 2 ** 33, size, leaf, [left], r));
  assert.equal(verifyInclusion(c, 2 ** 33, size + 2 ** 32, leaf, [left], r), false);
  assert.deepEqual(inclusionProofNodeIds(2 ** 33, size), [{ level: 33, index: 0 }]);
});
