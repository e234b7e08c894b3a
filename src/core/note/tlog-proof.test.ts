import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { bytesEqual, utf8Decode, utf8Encode } from '../encoding.ts';
import { leafHash, rootFromLeafHashes } from '../merkle/hash.ts';
import { inclusionProof } from '../merkle/proof.ts';
import { ReferenceTree } from '../merkle/reference-tree.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { signCosignature, formatCosignerKey } from './cosignature.ts';
import { NoteError } from './errors.ts';
import { formatVerifierKey, parseVerifierKey } from './key.ts';
import { parseNote, signNote } from './note.ts';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from './tlog-proof.ts';

const logSigner = signerFromSeed(new Uint8Array(32).fill(1));
const logKey = parseVerifierKey(c, formatVerifierKey(c, 'example.com/fancylog', logSigner.publicKey));
const witness = signerFromSeed(new Uint8Array(32).fill(2));
const witnessKey = parseVerifierKey(c, formatCosignerKey(c, 'witness1.example', witness.publicKey));

function sign(text: string): string {
  return signNote(c, text, [{ name: 'example.com/fancylog', signer: logSigner }]) + signCosignature(c, 'witness1.example', witness, text, 1700000000);
}

// c2sp.org/tlog-proof example. Its signature lines are elided ("[...]") in
// the spec, so the same checkpoint body is re-signed here; the header, extra,
// index and proof lines are the spec's bytes.
const SPEC_HEAD =
  'c2sp.org/tlog-proof@v1\n' +
  'extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n' +
  'index 73894\n' +
  'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n' +
  'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n' +
  'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n' +
  'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n' +
  'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n' +
  '\n';
const SPEC_BODY = 'example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n';

test('the spec example layout parses and formats back byte for byte', () => {
  const checkpoint = sign(SPEC_BODY);
  const text = SPEC_HEAD + checkpoint;
  const p = parseTlogProof(text);
  assert.equal(p.index, 73894);
  assert.equal(p.proof.length, 5);
  assert.equal(utf8Decode(p.extra!.subarray(0, 30)), 'age-v1.2.1-darwin-arm64.tar.gz');
  assert.equal(p.checkpoint, checkpoint);
  assert.equal(formatTlogProof(p), text);
});

const leaves = Array.from({ length: 40 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
const tree = new ReferenceTree(c, leaves);

function proofFor(index: number, size: number, extra?: Uint8Array): string {
  const root = rootFromLeafHashes(c, leaves.slice(0, size));
  const checkpoint = sign(formatCheckpoint({ origin: 'example.com/fancylog', size, root, extensions: [] }));
  return formatTlogProof({ index, proof: inclusionProof(c, index, size, tree.node), checkpoint, ...(extra ? { extra } : {}) });
}


test('round trip and full verification, with and without extra data', () => {
  for (const [index, size] of [[0, 1], [5, 8], [37, 40], [0, 40]]) {
    const text = proofFor(index, size);
    assert.ok(!text.includes('\nextra '));
    const r = verifyTlogProof(c, text, leaves[index], [logKey, witnessKey]);
    assert.equal(r.checkpoint.size, size);
    assert.deepEqual(r.verified, [logKey, witnessKey]);
    assert.equal(formatTlogProof(parseTlogProof(text)), text);
  }
  const withExtra = proofFor(3, 9, utf8Encode('context'));
  assert.ok(withExtra.startsWith('c2sp.org/tlog-proof@v1\nextra Y29udGV4dA==\nindex 3\n'));
  assert.deepEqual(parseTlogProof(withExtra).extra, utf8Encode('context'));
  assert.equal(parseTlogProof(proofFor(3, 9)).extra, undefined);
  assert.throws(() => verifyTlogProof(c, withExtra, leaves[4], [logKey]), /not included/);
  assert.throws(() => verifyTlogProof(c, withExtra, leaves[3], []), NoteError);
});

test('rejects malformed proofs', () => {
  const good = proofFor(2, 5);
  const [head, rest] = [good.slice(0, good.indexOf('\n\n') + 2), good.slice(good.indexOf('\n\n') + 2)];
  const h = head.split('\n');
  for (const bad of [
    good.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'),
    good.replace('index 2', 'index 02'),
    good.replace('index 2', 'index -2'),
    good.replace('index 2', 'index  2'),
    good.replace('index 2', 'index'),
    good.replace('index 2\n', ''),
    good.replace('index 2', 'extra AA==\nindex 2').replace('extra AA==\nindex', 'index 2\nextra AA==\nindex'),
    good.replace('c2sp.org/tlog-proof@v1\n', 'c2sp.org/tlog-proof@v1\nextra \n'),
    good.replace('c2sp.org/tlog-proof@v1\n', 'c2sp.org/tlog-proof@v1\nextra !!!!\n'),
    [h[0], h[1], h[2].slice(0, 40), ...h.slice(3)].join('\n') + rest,
    [h[0], h[1], `${h[2].slice(0, -1)}A`, ...h.slice(3)].join('\n') + rest,
    [h[0], h[1], `${h[2]}AAAA`, ...h.slice(3)].join('\n') + rest,
    head.slice(0, -1),
    head,
    `${head}not a note\n`,
    `${head}${rest.replace('\n5\n', '\n05\n')}`,
  ]) {
    assert.throws(() => parseTlogProof(bad), NoteError, JSON.stringify(bad.slice(0, 120)));
  }
  const p = parseTlogProof(good);
  assert.throws(() => formatTlogProof({ ...p, extra: new Uint8Array(0) }), NoteError);
  assert.throws(() => formatTlogProof({ ...p, index: -1 }), NoteError);
  assert.throws(() => formatTlogProof({ ...p, proof: [new Uint8Array(31)] }), NoteError);
  assert.throws(() => formatTlogProof({ ...p, checkpoint: 'junk\n' }), NoteError);
});

test('property: any single-byte change is rejected, except inside the unauthenticated extra data', () => {
  const base = proofFor(13, 40, utf8Encode('some extra context'));
  const original = parseTlogProof(base);
  fc.assert(
    fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (where, bit) => {
      const bytes = utf8Encode(base);
      bytes[where % bytes.length] ^= bit;
      let accepted: ReturnType<typeof verifyTlogProof> | undefined;
      try {
        accepted = verifyTlogProof(c, utf8Decode(bytes), leaves[13], [logKey, witnessKey]);
      } catch {
        return;
      }
      // A change can pass only by altering the unauthenticated extra line
      // (why the spec says never to trust it) or by turning a signature line
      // into one from an unknown key, which verifiers must ignore, so it
      // shows up as a missing key in `verified`. What was proven stays put.
      const extraChanged = !bytesEqual(accepted.proof.extra ?? new Uint8Array(0), original.extra!);
      assert.ok(extraChanged || accepted.verified.length < 2);
      assert.equal(parseNote(accepted.proof.checkpoint).text, parseNote(original.checkpoint).text);
      assert.equal(accepted.proof.index, original.index);
      assert.deepEqual(accepted.proof.proof, original.proof);
    }),
    { numRuns: 400 },
  );
});
