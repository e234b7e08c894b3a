import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { signCosignature, verifyCosignature } from '../core/note/cosignature.ts';
import { ALG_COSIGNATURE_V1, parseSignerKey } from '../core/note/key.ts';
import { nodeCrypto as c } from '../node/crypto.ts';
import { createWitnessIdentity, loadWitnessIdentity, parseWitnessKeyFile } from './identity.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the key file is 0600, round-trips, and holds a cosigner (0x04) key', () => {
  const path = join(dir, 'witness.key');
  const created = createWitnessIdentity('witness.example.org/w1', path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(created.verifier.alg, ALG_COSIGNATURE_V1);
  assert.match(created.vkey, /^witness\.example\.org\/w1\+[0-9a-f]{8}\+B/, 'base64 of 0x04 starts with B');
  const loaded = loadWitnessIdentity(path);
  assert.equal(loaded.vkey, created.vkey);
  const cp = 'o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n';
  assert.ok(verifyCosignature(c, created.verifier, cp, signCosignature(c, loaded.name, loaded.signer, cp, 5)));
  // Go-style signer key readers refuse it, so it cannot become a plain note signer by mistake.
  assert.throws(() => parseSignerKey(c, readFileSync(path, 'utf8').trim()));
  assert.throws(() => createWitnessIdentity('witness.example.org/w1', path), /EEXIST/);
});

test('refuses a key readable by others, a tampered hash and a bad name', () => {
  const path = join(dir, 'open.key');
  createWitnessIdentity('w2', path);
  chmodSync(path, 0o644);
  assert.throws(() => loadWitnessIdentity(path), (e: unknown) => e instanceof HotlineError && e.code === 'forbidden');
  const text = readFileSync(path, 'utf8').trim();
  const tampered = text.replace(/\+([0-9a-f]{8})\+/, (_m, h: string) => `+${h[0] === '0' ? '1' : '0'}${h.slice(1)}+`);
  assert.throws(() => parseWitnessKeyFile(tampered), /hash does not match/);
  assert.throws(() => createWitnessIdentity('has space', join(dir, 'x.key')), HotlineError);
  writeFileSync(join(dir, 'go.key'), 'PRIVATE+KEY+w3+00000000+AQ' + 'A'.repeat(42) + '\n', { mode: 0o600 });
  assert.throws(() => loadWitnessIdentity(join(dir, 'go.key')), /cosignature\/v1/);
});
