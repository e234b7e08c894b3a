import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mlDsa44SignerFromSeed, mlDsa44Verify, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import type { Crypto } from '../crypto.ts';
import { concatBytes, fromBase64, fromHex, toHex, utf8Encode } from '../encoding.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { verifyCosignature } from './cosignature.ts';
import { NoteError } from './errors.ts';
import { ALG_ED25519, ALG_MLDSA44_COSIGNATURE, formatVerifierKey, parseVerifierKey } from './key.ts';
import {
  formatMlDsaSignerKey,
  formatMlDsaVerifierKey,
  mlDsaCosignatureTimestamp,
  mlDsaCosignedMessage,
  parseMlDsaSignerKey,
  signMlDsaCosignature,
} from './mldsa.ts';
import { parseNote, signNote, verifyNote } from './note.ts';
import { formatSignatureLine, parseSignatureLine } from './syntax.ts';

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/vectors/ml-dsa/${name}`, import.meta.url), 'utf8'));

function seed(n: number): Uint8Array {
  const s = new Uint8Array(32);
  s[0] = n;
  return s;
}

const ed = signerFromSeed(seed(1));
const pq = mlDsa44SignerFromSeed(seed(2));
const NAME = 'station-a.example';
const edKey = parseVerifierKey(c, formatVerifierKey(c, NAME, ed.publicKey));
const pqKey = parseVerifierKey(c, formatMlDsaVerifierKey(c, NAME, pq.publicKey));
const CHECKPOINT = formatCheckpoint({ origin: 'hotline.example/line/l1/party/A', size: 5, root: c.sha256(utf8Encode('root')), extensions: [] });
const BOTH = signNote(c, CHECKPOINT, [{ name: NAME, signer: ed }], [{ name: NAME, signer: pq }]);

/** Flips one bit of the signature bytes after the key hash (at byte `at` of them) of the line at `index`. */
function flipSignatureBit(note: string, index: number, at: number): string {
  const n = parseNote(note);
  const sig = n.signatures[index];
  const bytes = sig.signature.slice();
  assert.ok(at < bytes.length);
  bytes[at] ^= 0x01;
  const lines = n.signatures.map((s, i) => formatSignatureLine(i === index ? { ...sig, signature: bytes } : s)).join('');
  return `${n.text}\n${lines}`;
}

test('FIPS 204 ML-DSA-44 key generation: the NIST ACVP seeds give the ACVP public keys', () => {
  const v = vectors('keygen.json');
  assert.equal(v.parameterSet, 'ML-DSA-44');
  assert.ok(v.tests.length >= 3);
  for (const t of v.tests) {
    assert.equal(toHex(mlDsa44SignerFromSeed(fromHex(t.seed.toLowerCase())).publicKey), t.pk.toLowerCase(), `tcId ${t.tcId}`);
  }
});

test('FIPS 204 ML-DSA-44 signature verification: the NIST ACVP cases verify or fail as expected', () => {
  const v = vectors('sigver.json');
  assert.equal(v.parameterSet, 'ML-DSA-44');
  assert.ok(v.tests.some((t: { testPassed: boolean }) => t.testPassed) && v.tests.some((t: { testPassed: boolean }) => !t.testPassed));
  for (const t of v.tests) {
    const got = mlDsa44Verify(fromHex(t.pk.toLowerCase()), fromHex(t.message.toLowerCase()), fromHex(t.signature.toLowerCase()), fromHex(t.context.toLowerCase()));
    assert.equal(got, t.testPassed, `tcId ${t.tcId} (${t.reason})`);
  }
});

test('interop: a checkpoint signed by torchwood\'s ML-DSA-44 log (type 0x06, timestamp 0) verifies with its vkey', () => {
  const v = vectors('torchwood-log.json');
  const key = parseVerifierKey(c, v.vkey);
  assert.equal(key.alg, ALG_MLDSA44_COSIGNATURE);
  assert.equal(key.publicKey.length, 1312);
  assert.equal(formatMlDsaVerifierKey(c, key.name, key.publicKey), v.vkey);
  const r = verifyNote(c, v.note, [key]);
  assert.deepEqual(r.verified, [key]);
  assert.deepEqual(r.cosignatures, [{ key, timestamp: 0 }]);
  // Its root, flipped: the same line no longer verifies.
  const n = parseNote(v.note);
  const root = fromBase64(n.text.split('\n')[2]);
  root[0] ^= 1;
  const other = formatCheckpoint({ origin: 'example.com/mldsa-log', size: 1, root, extensions: [] });
  assert.throws(() => verifyNote(c, `${other}\n${formatSignatureLine(n.signatures[0])}`, [key]), /invalid ML-DSA-44 signature/);
});

test('the cosigned message is tlog-cosignature\'s cosigned_message, byte for byte', () => {
  const root = new Uint8Array(32).fill(7);
  const text = formatCheckpoint({ origin: 'example.com/log', size: 20852163, root, extensions: [] });
  const u64 = (n: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; };
  const want = concatBytes(
    utf8Encode('subtree/v1\n\u0000'),
    new Uint8Array([14]), utf8Encode('mirror.test/m1'),
    u64(1679315147),
    new Uint8Array([15]), utf8Encode('example.com/log'),
    u64(0), u64(20852163), root,
  );
  assert.deepEqual(mlDsaCosignedMessage('mirror.test/m1', 1679315147, text), want);
  assert.equal(want.length, 12 + 15 + 8 + 16 + 8 + 8 + 32);
});

test('a checkpoint carries an Ed25519 line and an ML-DSA-44 line; both verifiers accept it', () => {
  const n = parseNote(BOTH);
  assert.equal(n.signatures.length, 2);
  assert.equal(n.signatures[0].hash, edKey.hash);
  assert.equal(n.signatures[1].hash, pqKey.hash);
  assert.notEqual(edKey.hash, pqKey.hash, 'same name, another type byte and key: another key ID');
  // 4-byte key ID, then 8-byte timestamp (0 for the log's own line) and the 2420-byte signature.
  assert.equal(n.signatures[1].signature.length, 8 + 2420);
  assert.equal(mlDsaCosignatureTimestamp(n.signatures[1].signature), 0);

  const plain = verifyNote(c, BOTH, [edKey]);
  assert.deepEqual(plain.verified, [edKey], 'an Ed25519-only verifier skips the ML-DSA line');
  assert.equal(plain.text, CHECKPOINT);
  const pqOnly = verifyNote(c, BOTH, [pqKey]);
  assert.deepEqual(pqOnly.verified, [pqKey], 'an ML-DSA verifier checks it (after Ed25519 falls, it is all that counts)');
  assert.deepEqual(verifyNote(c, BOTH, [edKey, pqKey]).verified, [edKey, pqKey]);
});

test('a verifier whose Crypto has no ML-DSA still verifies the Ed25519 line and skips the ML-DSA one', () => {
  const edOnly: Crypto = { sha256: c.sha256, verify: c.verify };
  assert.deepEqual(verifyNote(edOnly, BOTH, [edKey]).verified, [edKey]);
  // Asked to check an ML-DSA key it cannot check, it says so rather than pass or skip.
  assert.throws(() => verifyNote(edOnly, BOTH, [edKey, pqKey]), /no ML-DSA-44/);
});

test('a flipped bit in the ML-DSA signature: the ML-DSA verifier rejects the note, the Ed25519-only one does not see it', () => {
  const bad = flipSignatureBit(BOTH, 1, 8 + 100); // past the timestamp: the ML-DSA signature itself
  assert.throws(() => verifyNote(c, bad, [pqKey]), (e: unknown) => e instanceof NoteError && /invalid ML-DSA-44 signature/.test(e.message));
  assert.throws(() => verifyNote(c, bad, [edKey, pqKey]), /invalid ML-DSA-44 signature/);
  assert.deepEqual(verifyNote(c, bad, [edKey]).verified, [edKey]);
  // And the other way round: a broken Ed25519 line fails a verifier that knows Ed25519.
  assert.throws(() => verifyNote(c, flipSignatureBit(BOTH, 0, 10), [edKey, pqKey]), /invalid signature by/);
});

test('an ML-DSA line is bound to its name, its timestamp and the checkpoint', () => {
  const line = signMlDsaCosignature(c, NAME, pq, CHECKPOINT, 1700000000);
  const sig = parseSignatureLine(line.slice(0, -1));
  assert.deepEqual(verifyCosignature(c, pqKey, CHECKPOINT, line), { timestamp: 1700000000 });
  // Another timestamp in the same line.
  const stamped = sig.signature.slice();
  stamped[7] ^= 1;
  assert.equal(verifyCosignature(c, pqKey, CHECKPOINT, { ...sig, signature: stamped }), null);
  // The same key under another name: the message commits to the name.
  const renamed = parseVerifierKey(c, formatMlDsaVerifierKey(c, 'other.example', pq.publicKey));
  assert.equal(verifyCosignature(c, renamed, CHECKPOINT, { ...sig, name: 'other.example', hash: renamed.hash }), null);
  // Another checkpoint.
  const bigger = formatCheckpoint({ origin: 'hotline.example/line/l1/party/A', size: 6, root: c.sha256(utf8Encode('root')), extensions: [] });
  assert.equal(verifyCosignature(c, pqKey, bigger, line), null);
});

test('a receipt (cosignature) can carry an ML-DSA line beside its Ed25519 cosignature/v1 line', async () => {
  const { formatCosignerKey, signCosignature } = await import('./cosignature.ts');
  const peerEd = signerFromSeed(seed(3));
  const peerPq = mlDsa44SignerFromSeed(seed(4));
  const PEER = 'station-b.example';
  const t = 1767225600;
  const cosigned = BOTH + signCosignature(c, PEER, peerEd, CHECKPOINT, t) + signMlDsaCosignature(c, PEER, peerPq, CHECKPOINT, t);
  const peerEdKey = parseVerifierKey(c, formatCosignerKey(c, PEER, peerEd.publicKey));
  const peerPqKey = parseVerifierKey(c, formatMlDsaVerifierKey(c, PEER, peerPq.publicKey));
  const r = verifyNote(c, cosigned, [edKey, peerEdKey, peerPqKey]);
  assert.deepEqual(r.verified, [edKey, peerEdKey, peerPqKey]);
  assert.deepEqual(r.cosignatures, [{ key: peerEdKey, timestamp: t }, { key: peerPqKey, timestamp: t }]);
  // A verifier that knows only the Ed25519 keys sees the receipt it always saw.
  assert.deepEqual(verifyNote(c, cosigned, [edKey, peerEdKey]).cosignatures, [{ key: peerEdKey, timestamp: t }]);
});

test('ML-DSA lines sign checkpoints only, and not extension lines they would not cover', () => {
  assert.throws(() => signNote(c, 'not a checkpoint\n', [{ name: NAME, signer: ed }], [{ name: NAME, signer: pq }]), NoteError);
  const ext = formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(32), extensions: ['ext'] });
  assert.throws(() => signMlDsaCosignature(c, NAME, pq, ext, 0), /extension lines/);
  // An origin longer than a u8 length prefix can state.
  const long = formatCheckpoint({ origin: 'o'.repeat(256), size: 1, root: new Uint8Array(32), extensions: [] });
  assert.throws(() => signMlDsaCosignature(c, NAME, pq, long, 0), /255 bytes/);
});

test('ML-DSA verifier keys: <name>+<hash>+base64(0x06 ‖ 1312-byte key), the hash over the type byte', () => {
  const text = formatMlDsaVerifierKey(c, NAME, pq.publicKey);
  const material = fromBase64(text.split('+').slice(2).join('+'));
  assert.equal(material[0], 0x06);
  assert.equal(material.length, 1313);
  const h = c.sha256(concatBytes(utf8Encode(NAME), new Uint8Array([0x0a, 0x06]), pq.publicKey));
  assert.equal(text.split('+')[1], toHex(h.subarray(0, 4)));
  // A 32-byte key under type 0x06 is not an ML-DSA-44 key.
  assert.throws(() => formatVerifierKey(c, NAME, ed.publicKey, ALG_MLDSA44_COSIGNATURE), /1312 bytes/);
  assert.throws(() => formatVerifierKey(c, NAME, pq.publicKey, ALG_ED25519), /32 bytes/);
});

test('ML-DSA signer keys round-trip, and a wrong hash is refused', () => {
  const s = seed(9);
  const pk = mlDsa44SignerFromSeed(s).publicKey;
  const text = formatMlDsaSignerKey(c, NAME, s, pk);
  assert.match(text, /^PRIVATE\+KEY\+station-a\.example\+[0-9a-f]{8}\+/);
  const parsed = parseMlDsaSignerKey(c, text, (x) => mlDsa44SignerFromSeed(x).publicKey);
  assert.deepEqual(parsed.seed, s);
  assert.equal(parsed.name, NAME);
  const other = formatMlDsaSignerKey(c, NAME, s, mlDsa44SignerFromSeed(seed(10)).publicKey);
  assert.throws(() => parseMlDsaSignerKey(c, other, (x) => mlDsa44SignerFromSeed(x).publicKey), /does not match/);
});

test('checkMlDsaLines reports the ML-DSA lines checked, the keys with no line, and the lines with no key', async () => {
  const { checkMlDsaLines } = await import('./mldsa-lines.ts');
  assert.deepEqual(checkMlDsaLines(c, BOTH, [pqKey]), { checked: [{ key: pqKey, timestamp: 0 }], missing: [], unchecked: [] });
  assert.deepEqual(checkMlDsaLines(c, BOTH, []), { checked: [], missing: [], unchecked: [{ name: NAME, hash: pqKey.hash }] });
  const edOnly = signNote(c, CHECKPOINT, [{ name: NAME, signer: ed }]);
  assert.deepEqual(checkMlDsaLines(c, edOnly, [pqKey]), { checked: [], missing: [pqKey], unchecked: [] });
  assert.throws(() => checkMlDsaLines(c, flipSignatureBit(BOTH, 1, 500), [pqKey]), /invalid ML-DSA-44 signature/);
  assert.throws(() => checkMlDsaLines(c, BOTH, [edKey]), /not an ML-DSA-44 key/);
});

test('key statements: Hotline\'s ML-DSA-44 note line (0xff ‖ identifier) signs any note text; Ed25519-only verifiers skip it', async () => {
  const { formatMlDsaNoteVerifierKey, signMlDsaNote } = await import('./mldsa.ts');
  const { ALG_MLDSA44_NOTE, MLDSA44_NOTE_IDENTIFIER } = await import('./key.ts');
  const statement = 'hotline/key-rotation/v1\nparty Paris\n';
  const note = signNote(c, statement, [{ name: NAME, signer: ed }]) + signMlDsaNote(c, NAME, pq, statement);
  const noteKeyText = formatMlDsaNoteVerifierKey(c, NAME, pq.publicKey);
  const noteKey = parseVerifierKey(c, noteKeyText);
  assert.equal(noteKey.alg, ALG_MLDSA44_NOTE);
  assert.deepEqual(noteKey.publicKey, pq.publicKey);
  // The type is 0xff and the identifier, in the vkey and in the key ID.
  const material = fromBase64(noteKeyText.split('+').slice(2).join('+'));
  assert.equal(material[0], 0xff);
  assert.equal(new TextDecoder().decode(material.subarray(1, 1 + MLDSA44_NOTE_IDENTIFIER.length)), MLDSA44_NOTE_IDENTIFIER);
  assert.equal(material.length, 1 + MLDSA44_NOTE_IDENTIFIER.length + 1312);
  const h = c.sha256(concatBytes(utf8Encode(NAME), new Uint8Array([0x0a, 0xff]), utf8Encode(MLDSA44_NOTE_IDENTIFIER), pq.publicKey));
  assert.equal(noteKeyText.split('+')[1], toHex(h.subarray(0, 4)));
  assert.notEqual(noteKey.hash, pqKey.hash, 'one ML-DSA key, two types, two key IDs');
  const { mlDsaNoteKeyOf } = await import('./mldsa.ts');
  assert.deepEqual(mlDsaNoteKeyOf(c, pqKey), noteKey, 'derived from the pinned 0x06 key');

  assert.deepEqual(verifyNote(c, note, [edKey]).verified, [edKey]);
  assert.deepEqual(verifyNote(c, note, [noteKey]).verified, [noteKey]);
  assert.throws(() => verifyNote(c, flipSignatureBit(note, 1, 7), [noteKey]), /invalid ML-DSA-44 signature/);
  // Another statement text under the same line.
  const other = 'hotline/key-rotation/v1\nparty Kyiv\n';
  assert.throws(() => verifyNote(c, `${other}\n${note.slice(note.indexOf('\n\n') + 2)}`, [noteKey]), /invalid/);
  // A 0x06 key never accepts a note line, nor the other way round: the key IDs differ, so the line is not even matched.
  assert.throws(() => verifyNote(c, note, [pqKey]), /no valid signature from a known key/);
  // An 0xff type with another identifier is not a key Hotline knows.
  const foreign = `${NAME}+00000000+${Buffer.from(concatBytes(new Uint8Array([0xff]), utf8Encode('example.com/other'), pq.publicKey)).toString('base64')}`;
  assert.throws(() => parseVerifierKey(c, foreign), /unknown key algorithm/);
});

test('property: any checkpoint signed with both lines passes an Ed25519-only verifier, and any changed byte of the ML-DSA line fails the ML-DSA verifier', async () => {
  const fc = (await import('fast-check')).default;
  const line = parseNote(BOTH).signatures[1];
  fc.assert(
    fc.property(fc.nat({ max: 1_000_000 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 8 + 2419 }), fc.integer({ min: 1, max: 255 }), (size, root, at, delta) => {
      const text = formatCheckpoint({ origin: 'hotline.example/line/l1/party/A', size, root, extensions: [] });
      const note = signNote(c, text, [{ name: NAME, signer: ed }], [{ name: NAME, signer: pq }]);
      assert.deepEqual(verifyNote(c, note, [edKey]).verified, [edKey]);
      assert.deepEqual(verifyNote(c, note, [pqKey]).verified, [pqKey]);
      const n = parseNote(note);
      const bytes = n.signatures[1].signature.slice();
      bytes[at] = (bytes[at] + delta) & 0xff;
      const changed = `${n.text}\n${formatSignatureLine(n.signatures[0])}${formatSignatureLine({ ...n.signatures[1], signature: bytes })}`;
      assert.throws(() => verifyNote(c, changed, [pqKey]), /invalid ML-DSA-44 signature/);
      assert.deepEqual(verifyNote(c, changed, [edKey]).verified, [edKey]);
    }),
    { numRuns: 25 },
  );
  assert.equal(line.signature.length, 8 + 2420);
});
