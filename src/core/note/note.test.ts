import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { toHex, utf8Decode, utf8Encode } from '../encoding.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { formatVerifierKey, parseSignerKey, parseVerifierKey } from './key.ts';
import { formatNote, NoteError, parseNote, signNote, verifyNote } from './note.ts';

// golang.org/x/mod/sumdb/note: package documentation example and note_test.go.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// c2sp.org/signed-note introductory example: the text itself has a blank line.
const QUASIMODO =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
  '— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

// sigsum-go pkg/checkpoint/checkpoint_test.go TestGoSumDBCheckpoint: a real
// sum.golang.org checkpoint ("Retrieved from https://sum.golang.org/latest,
// 2024-09-23") and the Go checksum database key from cmd/go.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_CHECKPOINT =
  'go.sum database tree\n30055305\nmXfgRcJ0bG0j3CPdKwgGWtUzBUbX67saZGRmFuJGGsM=\n\n' +
  '— sum.golang.org Az3grpgEild5qw7+5dtV13Kf1C2Xurm8q4fhdxvcsDHnqNTaxL2AFjBY+2TyGKevucFcAAlWFJJYle3EJlDCrQ+y3A8=\n';

const peter = parseVerifierKey(c, PETER_VKEY);
const enoch = parseVerifierKey(c, ENOCH_VKEY);
const peterSigner = signerFromSeed(parseSignerKey(c, PETER_SKEY).seed);

test('signNote reproduces the Go package example byte for byte', () => {
  assert.equal(signNote(c, TEXT, [{ name: 'PeterNeumann', signer: peterSigner }]), `${TEXT}\n${PETER_SIG}`);
});

test('verifyNote follows Go Open on the published example', () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
  let r = verifyNote(c, both, [peter]);
  assert.equal(r.text, TEXT);
  assert.deepEqual(r.verified, [peter]);
  r = verifyNote(c, both, [peter, enoch]);
  assert.deepEqual(r.verified, [peter, enoch]);
  assert.throws(() => verifyNote(c, both, []), /no valid signature from a known key/);
  // Too many signatures.
  assert.throws(() => verifyNote(c, `${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]), NoteError);
  assert.deepEqual(verifyNote(c, `${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).verified, [peter]);
  // Invalid signature from a known key.
  const tampered = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
  assert.throws(() => verifyNote(c, tampered, [peter]), /invalid signature by PeterNeumann\+c74f20a3/);
  // Unknown keys' duplicate and corrupted signatures are ignored.
  const noisy = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
  assert.deepEqual(verifyNote(c, noisy, [peter]).verified, [peter]);
  // A known key's corrupted duplicate is not ignored.
  const badDuplicate = `${TEXT}\n${PETER_SIG}${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
  assert.throws(() => verifyNote(c, badDuplicate, [peter]), NoteError);
});

test('malformed notes from the Go suite are rejected', () => {
  for (const bad of [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\x01${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
  ]) {
    assert.throws(() => parseNote(bad), NoteError, JSON.stringify(bad));
    assert.throws(() => verifyNote(c, bad, [peter]), NoteError);
  }
});

test('further strictness: separators, prefixes, base64 and key hashes', () => {
  for (const bad of [
    `${TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${TEXT}\n—PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${TEXT}\n— PeterNeumann\n`,
    `${TEXT}\n— PeterNeumann \n`,
    `${TEXT}\n— PeterNeumann AAAAAA==\n`, // 4 bytes: a key hash and no signature
    `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
    `${TEXT}\n— PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${TEXT}\n${PETER_SIG}\n`,
    `${TEXT}\r\n${PETER_SIG}`,
    `${TEXT}\n${PETER_SIG.replace('\n', '\r\n')}`,
    `bad\ud800text\n\n${PETER_SIG}`,
    `\n${PETER_SIG}`,
  ]) {
    assert.throws(() => parseNote(bad), NoteError, JSON.stringify(bad));
  }
});

test('the signed-note spec example parses, blank line in its text and all', () => {
  const note = parseNote(QUASIMODO);
  assert.equal(note.text, 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
  assert.equal(note.signatures.length, 1);
  assert.equal(note.signatures[0].name, 'quasimodo.example/salvatore');
  assert.equal(note.signatures[0].hash, 0x367ba04b);
  assert.equal(note.signatures[0].signature.length, 64);
  assert.equal(formatNote(note), QUASIMODO);
});

test('a real sum.golang.org checkpoint verifies against the Go checksum database key', () => {
  const sumdb = parseVerifierKey(c, SUMDB_VKEY);
  const { text, verified } = verifyNote(c, SUMDB_CHECKPOINT, [sumdb]);
  assert.deepEqual(verified, [sumdb]);
  const cp = parseCheckpoint(text);
  assert.equal(cp.origin, 'go.sum database tree');
  assert.equal(cp.size, 30055305);
  assert.throws(() => verifyNote(c, SUMDB_CHECKPOINT.replace('30055305', '30055306'), [sumdb]), NoteError);
});

test('signNote reproduces sigsum-go\'s signed checkpoint (deterministic Ed25519)', () => {
  // sigsum-go pkg/checkpoint/checkpoint_test.go validCheckpointASCII: log key
  // from private key {17, 0, ...}, origin "sigsum.org/v1/tree/" + hex(SHA-256(pub)).
  const seed = new Uint8Array(32);
  seed[0] = 17;
  const signer = signerFromSeed(seed);
  const origin = `sigsum.org/v1/tree/${toHex(c.sha256(signer.publicKey))}`;
  assert.equal(origin, 'sigsum.org/v1/tree/e796172b92befd62d9dc67e41c2f5bc9d3100a3023b20b1ca40288dd1c679e69');
  const text = `${origin}\n10\nHA5HAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`;
  assert.equal(
    signNote(c, text, [{ name: origin, signer }]),
    `${text}\n— ${origin} gJ2ho0n8F8olcerUF1FFdv235A/5as/coWrpLrtE7ovMeP5whgwouYExowG/lTznxu6OUGjjt5yJQ6bXtTcf718MqAQ=\n`,
  );
  assert.deepEqual(verifyNote(c, signNote(c, text, [{ name: origin, signer }]), [parseVerifierKey(c, formatVerifierKey(c, origin, signer.publicKey))]).text, text);
});

test('signNote and formatNote refuse invalid text and names', () => {
  const s = [{ name: 'PeterNeumann', signer: peterSigner }];
  for (const bad of ['', 'no newline', 'tab\there\n', 'cr\r\n', 'lone \udc00\n']) assert.throws(() => signNote(c, bad, s), NoteError, JSON.stringify(bad));
  assert.throws(() => signNote(c, TEXT, [{ name: 'a b', signer: peterSigner }]), NoteError);
  assert.throws(() => signNote(c, TEXT, []), NoteError);
  assert.throws(() => formatNote({ text: TEXT, signatures: [{ name: 'x', hash: 2 ** 32, signature: new Uint8Array(1) }] }), NoteError);
  assert.throws(() => formatNote({ text: TEXT, signatures: [{ name: 'x', hash: 1, signature: new Uint8Array(0) }] }), NoteError);
});

test('ambiguous known keys are refused when they sign', () => {
  const impostor = { ...peter, publicKey: enoch.publicKey };
  assert.throws(() => verifyNote(c, `${TEXT}\n${PETER_SIG}`, [peter, impostor]), /ambiguous/);
  // The same key listed twice is not ambiguous.
  assert.deepEqual(verifyNote(c, `${TEXT}\n${PETER_SIG}`, [peter, { ...peter }]).verified, [peter]);
});

const noteText = fc
  .array(fc.stringMatching(/^[a-zA-Z0-9 .,:/+=é—-]{0,30}$/), { minLength: 1, maxLength: 5 })
  .map((lines) => lines.map((l) => `${l}\n`).join(''));

test('property: formatNote and parseNote are inverse', () => {
  fc.assert(
    fc.property(
      noteText,
      fc.array(fc.record({ name: fc.stringMatching(/^[a-z0-9./é]{1,12}$/), hash: fc.nat(0xffffffff), signature: fc.uint8Array({ minLength: 1, maxLength: 80 }) }, { noNullPrototype: true }), { minLength: 1, maxLength: 5 }),
      (text, signatures) => {
        const message = formatNote({ text, signatures });
        assert.deepEqual(parseNote(message), { text, signatures });
      },
    ),
  );
});

test('property: any single-byte change to a signed note is rejected', () => {
  const known = [peter];
  fc.assert(
    fc.property(noteText, fc.nat(), fc.integer({ min: 1, max: 255 }), (text, where, bit) => {
      const bytes = utf8Encode(signNote(c, text, [{ name: 'PeterNeumann', signer: peterSigner }]));
      bytes[where % bytes.length] ^= bit;
      assert.throws(() => verifyNote(c, utf8Decode(bytes), known), (e: unknown) => e instanceof NoteError || e instanceof TypeError);
    }),
    { numRuns: 400 },
  );
});
