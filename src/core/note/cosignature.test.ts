import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { utf8Decode, utf8Encode } from '../encoding.ts';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  formatCosignerKey,
  signCosignature,
  verifyCosignature,
} from './cosignature.ts';
import { NoteError } from './errors.ts';
import { ALG_COSIGNATURE_V1, formatVerifierKey, parseVerifierKey } from './key.ts';
import { parseNote, signNote, verifyNote } from './note.ts';
import { parseSignatureLine } from './syntax.ts';

// c2sp.org/tlog-cosignature §Format and §Ed25519 signed message examples.
const SPEC_CHECKPOINT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIG =
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
const SPEC_MESSAGE =
  'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

// sigsum-go pkg/checkpoint/checkpoint_test.go TestCheckpointCosignVerify and
// TestCheckpointVerifyCosignatureByKey: witness key {17, 0, ...} named
// "example.org/witness" cosigning testCheckpoint at time 1234. The first,
// third and fourth lines are their deliberately wrong variants (other key
// ID, other name, other length).
const SIGSUM_CHECKPOINT = 'example.org/log\n10\nHA5HAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
const SIGSUM_LINES = [
  '— example.org/witness yX8uUAAAAAAAAATSftMzceM8zssdZ9jin9SjwIxzx9iADMf63VqirX2hafol9RsqNqbofIz0LVRqHXI2kpEBSki5RTXFtxz1vo9+Cg==',
  '— example.org/witness ys8uUAAAAAAAAATSftMzceM8zssdZ9jin9SjwIxzx9iADMf63VqirX2hafol9RsqNqbofIz0LVRqHXI2kpEBSki5RTXFtxz1vo9+Cg==',
  '— example.org/witness-2 ys8uUAAAAAAAAATSftMzceM8zssdZ9jin9SjwIxzx9iADMf63VqirX2hafol9RsqNqbofIz0LVRqHXI2kpEBSki5RTXFtxz1vo9+Cg==',
  '— example.org/witness ys8uUAAAAAAAAATSftMzceM8zssdZ9jin9SjwIxzx9iADMf63VqirX2hafol9RsqNqbofIz0LVRqHXI2kpEBSki5RTXFtxz1vo9+CgXX',
];

const seed17 = new Uint8Array(32);
seed17[0] = 17;
const witness = signerFromSeed(seed17);
const witnessKey = parseVerifierKey(c, formatCosignerKey(c, 'example.org/witness', witness.publicKey));

test('the signed message is exactly the spec example', () => {
  assert.equal(utf8Decode(cosignatureMessage(SPEC_CHECKPOINT, 1679315147)), SPEC_MESSAGE);
  assert.throws(() => cosignatureMessage(SPEC_CHECKPOINT, -1), NoteError);
  assert.throws(() => cosignatureMessage(SPEC_CHECKPOINT, 1.5), NoteError);
});

test('the spec example cosignature carries key ID, big-endian timestamp and a 64-byte signature', () => {
  const sig = parseSignatureLine(SPEC_COSIG);
  assert.equal(sig.name, 'witness.example.com/w1');
  assert.equal(sig.hash, 0x8d66cf3f);
  assert.equal(sig.signature.length, 72);
  assert.equal(cosignatureTimestamp(sig.signature), 1679315147);
});

test('signCosignature reproduces sigsum-go\'s cosignature byte for byte', () => {
  assert.equal(witnessKey.alg, ALG_COSIGNATURE_V1);
  assert.equal(signCosignature(c, 'example.org/witness', witness, SIGSUM_CHECKPOINT, 1234), `${SIGSUM_LINES[1]}\n`);
});

test('verifyCosignature accepts exactly the matching sigsum-go line', () => {
  const results = SIGSUM_LINES.map((line) => verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, line));
  assert.deepEqual(results, [null, { timestamp: 1234 }, null, null]);
  assert.deepEqual(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, `${SIGSUM_LINES[1]}\n`), { timestamp: 1234 });
  assert.deepEqual(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, parseSignatureLine(SIGSUM_LINES[1])), { timestamp: 1234 });
  // "Try invalidating the cosignature": bump the timestamp.
  const bumped = parseSignatureLine(SIGSUM_LINES[1]);
  bumped.signature[7]++;
  assert.equal(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, bumped), null);
  // Multi-line input, wrong checkpoint, wrong key type, junk.
  assert.equal(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, `${SIGSUM_LINES[1]}\n${SIGSUM_LINES[1]}\n`), null);
  assert.equal(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT.replace('10', '11'), SIGSUM_LINES[1]), null);
  const plain = parseVerifierKey(c, formatVerifierKey(c, 'example.org/witness', witness.publicKey));
  assert.equal(verifyCosignature(c, { ...plain, hash: witnessKey.hash }, SIGSUM_CHECKPOINT, SIGSUM_LINES[1]), null);
  assert.equal(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, 'nonsense'), null);
});

test('verifyNote checks log signatures and cosignatures together', () => {
  const logSigner = signerFromSeed(new Uint8Array(32).fill(9));
  const logKey = parseVerifierKey(c, formatVerifierKey(c, 'example.org/log', logSigner.publicKey));
  const signed = signNote(c, SIGSUM_CHECKPOINT, [{ name: 'example.org/log', signer: logSigner }]);
  const cosigned = signed + signCosignature(c, 'example.org/witness', witness, SIGSUM_CHECKPOINT, 1700000000);
  const r = verifyNote(c, cosigned, [logKey, witnessKey]);
  assert.deepEqual(r.verified, [logKey, witnessKey]);
  assert.deepEqual(r.cosignatures, [{ key: witnessKey, timestamp: 1700000000 }]);
  // The witness alone is enough for verifyNote; quorum is policy, elsewhere.
  assert.deepEqual(verifyNote(c, cosigned, [witnessKey]).verified, [witnessKey]);
  // A plain Ed25519 signature does not pass as a cosignature, nor the reverse.
  const asPlain = parseNote(cosigned).signatures[1];
  assert.equal(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, { ...asPlain, signature: asPlain.signature.subarray(8) }), null);
  const witnessAsLog = signNote(c, SIGSUM_CHECKPOINT, [{ name: 'example.org/witness', signer: witness }]);
  assert.throws(() => verifyNote(c, witnessAsLog, [witnessKey]), /no valid signature/);
  // A broken cosignature from a known witness sinks the note.
  const broken = cosigned.replace(/(— example\.org\/witness \S{20})(\S)/, (_, a: string, ch: string) => a + (ch === 'A' ? 'B' : 'A'));
  assert.notEqual(broken, cosigned);
  assert.throws(() => verifyNote(c, broken, [logKey, witnessKey]), NoteError);
});

test('signCosignature only signs checkpoints, with valid names and times', () => {
  assert.throws(() => signCosignature(c, 'w', witness, 'not a checkpoint\n', 1), NoteError);
  assert.throws(() => signCosignature(c, 'w', witness, SIGSUM_CHECKPOINT.slice(0, -1), 1), NoteError);
  assert.throws(() => signCosignature(c, 'bad name', witness, SIGSUM_CHECKPOINT, 1), NoteError);
  assert.throws(() => signCosignature(c, 'w', witness, SIGSUM_CHECKPOINT, -5), NoteError);
  assert.throws(() => signCosignature(c, 'w', witness, SIGSUM_CHECKPOINT, 2 ** 53), NoteError);
});

test('timestamps beyond 2^53 are refused rather than rounded', () => {
  const sig = parseSignatureLine(SIGSUM_LINES[1]).signature;
  const huge = new Uint8Array(sig);
  huge[0] = 0x7f;
  assert.equal(cosignatureTimestamp(huge), null);
  assert.equal(cosignatureTimestamp(sig.subarray(1)), null);
});

test('property: any single-byte change to a cosignature or its checkpoint is rejected', () => {
  fc.assert(
    fc.property(fc.nat(2 ** 40), fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (time, inLine, where, bit) => {
      const line = signCosignature(c, 'example.org/witness', witness, SIGSUM_CHECKPOINT, time);
      assert.deepEqual(verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, line), { timestamp: time });
      const bytes = utf8Encode(inLine ? line : SIGSUM_CHECKPOINT);
      bytes[where % bytes.length] ^= bit;
      let changed: string;
      try {
        changed = utf8Decode(bytes);
      } catch {
        return;
      }
      const result = inLine
        ? verifyCosignature(c, witnessKey, SIGSUM_CHECKPOINT, changed)
        : verifyCosignature(c, witnessKey, changed, line);
      assert.equal(result, null);
    }),
    { numRuns: 400 },
  );
});
