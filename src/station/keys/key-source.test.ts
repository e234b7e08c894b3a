import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../../core/errors.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { pkcs11KeyLabels } from '../../node/pkcs11-signer.ts';
import { softHsm, type SoftHsm } from '../../../test/support/softhsm.ts';
import { StationConfig } from '../config.ts';
import { openKeySource, type KeySource } from './key-source.ts';
import { pkcs11Pin } from './pkcs11-key.ts';

const message = new TextEncoder().encode('a checkpoint');
const signs = (source: KeySource) => nodeCrypto.verify(source.current().publicKey, message, source.current().sign(message));
const configFor = (extra: object = {}) => Value.Default(StationConfig, { name: 'Paris', ...extra }) as StationConfig;
const rejects = (f: () => unknown, code: string, text: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof HotlineError && e.code === code && text.test(e.message), `expected ${code} matching ${text}`);

let hsm: SoftHsm;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-keys-'));
  dirs.push(d);
  return d;
};

before(() => {
  hsm = softHsm();
  hsm.initToken('keys');
  process.env.SOFTHSM2_CONF = hsm.env.SOFTHSM2_CONF;
  process.env.HOTLINE_TEST_PIN = '1234';
});
after(() => {
  hsm?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The whole life of a key source: create, rotate twice; old keys stop signing. */
function rotateTwice(source: KeySource) {
  const first = source.create();
  assert.ok(signs(source));
  assert.equal(source.next(), undefined);
  const second = source.generate();
  assert.deepEqual(source.current().publicKey, first.publicKey, 'a generated key is not current yet');
  assert.deepEqual(source.next()?.publicKey, second.publicKey);
  source.activate(second);
  assert.deepEqual(source.current().publicKey, second.publicKey);
  assert.ok(signs(source));
  assert.throws(() => first.sign(message), /retired and signs nothing more/);
  const third = source.generate();
  rejects(() => source.activate(first), 'conflict', /not the one/);
  source.activate(third);
  assert.throws(() => second.sign(message), /retired/);
  assert.ok(signs(source));
  return { first, second, third };
}

describe('file key source', () => {
  test('station.key, station.next.key, station.key.retired-<n>, all 0600', () => {
    const dir = tempDir();
    const source = openKeySource(dir, configFor());
    assert.equal(source.where, 'file station.key');
    const { third } = rotateTwice(source);
    assert.deepEqual(readdirSync(dir).sort(), ['station.key', 'station.key.retired-1', 'station.key.retired-2']);
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    // A fresh process reads the rotated key.
    assert.deepEqual(openKeySource(dir, configFor()).current().publicKey, third.publicKey);
    rejects(() => openKeySource(dir, configFor()).create(), 'conflict', /already holds a station key/);
  });

  test('refuses a key readable by others or made for another party, and finishes an interrupted activation', () => {
    const dir = tempDir();
    openKeySource(dir, configFor()).create();
    chmodSync(join(dir, 'station.key'), 0o640);
    rejects(() => openKeySource(dir, configFor()).current(), 'forbidden', /readable by others; run: chmod 600/);
    chmodSync(join(dir, 'station.key'), 0o600);
    rejects(() => openKeySource(dir, configFor({ name: 'Rome' })).current(), 'bad_request', /is for 'Paris' but hotline.json says 'Rome'/);
    const source = openKeySource(dir, configFor());
    const next = source.generate();
    // The crash between the two renames of activate().
    renameSync(join(dir, 'station.key'), join(dir, 'station.key.retired-1'));
    assert.deepEqual(openKeySource(dir, configFor()).current().publicKey, next.publicKey);
    assert.ok(!existsSync(join(dir, 'station.next.key')));
  });
});

describe('PKCS#11 key source (SoftHSM2)', () => {
  const pkcs11 = (key: string, extra: object = {}) => ({ signer: { pkcs11: { module: hsm.module, token: 'keys', key, pinEnv: 'HOTLINE_TEST_PIN', ...extra } } });

  test('labels <key>, <key>.next, <key>.retired-<n>; the token refuses to sign with retired keys; no file is written', () => {
    const dir = tempDir();
    const source = openKeySource(dir, configFor(pkcs11('hotline-Paris')));
    assert.equal(source.where, 'PKCS#11 token keys, key hotline-Paris');
    let third;
    try {
      ({ third } = rotateTwice(source));
    } finally {
      source.close();
    }
    assert.deepEqual(readdirSync(dir), []);
    const at = { module: hsm.module, token: 'keys', pin: '1234' };
    assert.deepEqual(pkcs11KeyLabels(at, 'hotline-Paris').sort(), ['hotline-Paris', 'hotline-Paris.retired-1', 'hotline-Paris.retired-2']);
    const again = openKeySource(dir, configFor(pkcs11('hotline-Paris')));
    assert.deepEqual(again.current().publicKey, third.publicKey);
    rejects(() => again.create(), 'conflict', /must not sign under an old key/);
    again.close();
    rejects(() => openKeySource(dir, configFor(pkcs11('hotline-Paris.retired-1'))).current(), 'forbidden', /may not sign \(CKA_SIGN false/);
  });

  test('the PIN comes from a 0600 file or the environment, never the config, with clear errors', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pin'), '1234\n', { mode: 0o600 });
    assert.equal(pkcs11Pin(dir, { token: 't', pinFile: 'pin', pinEnv: 'X' }), '1234');
    chmodSync(join(dir, 'pin'), 0o644);
    rejects(() => pkcs11Pin(dir, { token: 't', pinFile: 'pin', pinEnv: 'X' }), 'forbidden', /readable by others/);
    rejects(() => pkcs11Pin(dir, { token: 't', pinFile: 'nopin', pinEnv: 'X' }), 'not_found', /cannot read the PIN file/);
    rejects(() => pkcs11Pin(dir, { token: 't', pinEnv: 'HOTLINE_NO_SUCH_VARIABLE' }), 'unauthenticated', /set the environment variable HOTLINE_NO_SUCH_VARIABLE/);
    assert.ok(!Value.Check(StationConfig, { ...configFor(), signer: { pkcs11: { module: 'm', token: 't', key: 'k', pinEnv: 'P', pin: '1234' } } }), 'a PIN in hotline.json is refused');
    process.env.HOTLINE_WRONG_PIN = '0000';
    rejects(() => openKeySource(dir, configFor(pkcs11('k', { pinEnv: 'HOTLINE_WRONG_PIN' }))).current(), 'unauthenticated', /wrong PIN/);
  });
});
