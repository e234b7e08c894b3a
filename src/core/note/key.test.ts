import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { fromBase64, toHex } from '../encoding.ts';
import { NoteError } from './errors.ts';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  keyHash,
  parseSignerKey,
  parseVerifierKey,
} from './key.ts';

// golang.org/x/mod/sumdb/note package documentation and note_test.go.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
// The Go checksum database key, golang/go src/cmd/go/internal/modfetch/key.go:
// its key material contains '+', so splitting must stop at the second '+'.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
// github.com/transparency-dev/formats note/note_cosigv1_test.go ("works").
const TEST_VKEY = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';

const derive = (seed: Uint8Array) => signerFromSeed(seed).publicKey;

test('published verifier keys parse and re-format byte for byte', () => {
  for (const vkey of [PETER_VKEY, ENOCH_VKEY, SUMDB_VKEY, TEST_VKEY]) {
    const k = parseVerifierKey(c, vkey);
    assert.equal(k.alg, ALG_ED25519);
    assert.equal(k.publicKey.length, 32);
    assert.equal(formatVerifierKey(c, k.name, k.publicKey), vkey);
  }
  const peter = parseVerifierKey(c, PETER_VKEY);
  assert.equal(peter.name, 'PeterNeumann');
  assert.equal(peter.hash, 0xc74f20a3);
  assert.equal(parseVerifierKey(c, SUMDB_VKEY).name, 'sum.golang.org');
});

test('Go signer key parses, derives the published verifier key and re-formats', () => {
  const skey = parseSignerKey(c, PETER_SKEY, derive);
  assert.equal(skey.name, 'PeterNeumann');
  assert.equal(skey.hash, 0xc74f20a3);
  const pub = derive(skey.seed);
  assert.deepEqual(pub, parseVerifierKey(c, PETER_VKEY).publicKey);
  assert.equal(formatSignerKey(c, skey.name, skey.seed, pub), PETER_SKEY);
  assert.equal(formatVerifierKey(c, skey.name, pub), PETER_VKEY);
  // Without a derivation function the hash is taken on trust.
  assert.equal(parseSignerKey(c, PETER_SKEY.replace('c74f20a3', 'c74f20a4')).hash, 0xc74f20a4);
  assert.throws(() => parseSignerKey(c, PETER_SKEY.replace('c74f20a3', 'c74f20a4'), derive), NoteError);
});

// note_test.go TestNewVerifier / TestNewSigner: every proper substring and
// every single-character increment must be rejected.
test('every mangling of the published keys is rejected', () => {
  for (const [key, parse] of [
    [PETER_VKEY, (s: string) => parseVerifierKey(c, s)],
    [PETER_SKEY, (s: string) => parseSignerKey(c, s, derive)],
  ] as const) {
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i !== 0 || j !== key.length) assert.throws(() => parse(key.slice(i, j)), NoteError, key.slice(i, j));
      }
    }
    for (let i = 0; i < key.length; i++) {
      const bumped = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      assert.throws(() => parse(bumped), NoteError, bumped);
    }
  }
});

test('bad verifier keys from the Go and transparency-dev suites are rejected', () => {
  for (const bad of [
    'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong length, adjusted hash
    'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm, adjusted hash
    'bananas.sigstore.dev+12344556',
    'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!',
    'rekor.sigstore.dev+12345678+AwEB',
    'rekor.sigstore.dev+NOT_A_NUMBER+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'rekor.sigstore.dev+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // upper-case hash is not canonical
    'PeterNeumann+c74f20a3+',
  ]) {
    assert.throws(() => parseVerifierKey(c, bad), NoteError, bad);
  }
  assert.throws(() => parseVerifierKey(c, 'x'), /<name>\+<hash>\+<key>/);
});

test('cosigner keys use algorithm 0x04 and a distinct key hash', () => {
  // sigsum-go pkg/checkpoint/checkpoint_test.go: witness "example.org/witness"
  // with private key {17, 0, ...}; its published cosignature line starts with
  // key ID cacf2e50.
  const seed = new Uint8Array(32);
  seed[0] = 17;
  const pub = derive(seed);
  const vkey = formatVerifierKey(c, 'example.org/witness', pub, ALG_COSIGNATURE_V1);
  const k = parseVerifierKey(c, vkey);
  assert.equal(k.alg, ALG_COSIGNATURE_V1);
  assert.equal(k.hash, 0xcacf2e50);
  assert.equal(keyHash(c, 'example.org/witness', ALG_COSIGNATURE_V1, pub), 0xcacf2e50);
  assert.notEqual(keyHash(c, 'example.org/witness', ALG_ED25519, pub), k.hash);
  assert.ok(vkey.startsWith('example.org/witness+cacf2e50+B'));
  assert.equal(fromBase64(vkey.slice('example.org/witness+cacf2e50+'.length))[0], ALG_COSIGNATURE_V1);
});

test('keyHash is the big-endian first word of SHA-256(name ‖ LF ‖ alg ‖ key)', () => {
  const pub = parseVerifierKey(c, PETER_VKEY).publicKey;
  const digest = c.sha256(new Uint8Array([...new TextEncoder().encode('PeterNeumann\n'), 1, ...pub]));
  assert.equal(toHex(digest.subarray(0, 4)), 'c74f20a3');
  assert.equal(keyHash(c, 'PeterNeumann', 1, pub), 0xc74f20a3);
});

test('key names: non-empty, no Unicode space, no plus', () => {
  for (const good of ['a', 'example.com/log', 'sum.golang.org', 'é/ü', 'x\u200bz', 'oid/1.2.3']) assert.ok(isValidKeyName(good), good);
  for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\nb', 'a\u00a0b', 'a\u0085b', 'a\u2028b', 'a\u3000b', 'a\u2003b', 'a\u0001b', 'a\ud800b']) {
    assert.ok(!isValidKeyName(bad), JSON.stringify(bad));
  }
});

test('formatting rejects bad inputs', () => {
  const pub = parseVerifierKey(c, PETER_VKEY).publicKey;
  assert.throws(() => formatVerifierKey(c, 'bad name', pub), NoteError);
  assert.throws(() => formatVerifierKey(c, 'ok', pub.subarray(1)), NoteError);
  assert.throws(() => formatVerifierKey(c, 'ok', pub, 0x02), NoteError);
  assert.throws(() => formatSignerKey(c, 'ok', new Uint8Array(31), pub), NoteError);
  assert.throws(() => parseSignerKey(c, 'PRIVATE+KEY+x+00000000+' + 'BA' + 'A'.repeat(42)), NoteError);
  assert.throws(() => parseSignerKey(c, PETER_SKEY.replace('PRIVATE', 'private')), NoteError);
});
