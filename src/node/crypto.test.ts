import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto, signerFromSeed } from './crypto.ts';

// RFC 8032 section 7.1, TEST 1.
test('Ed25519 matches RFC 8032 test 1', () => {
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const signer = signerFromSeed(seed);
  assert.equal(Buffer.from(signer.publicKey).toString('hex'), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const sig = signer.sign(new Uint8Array(0));
  assert.equal(Buffer.from(sig).toString('hex'),
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  assert.ok(nodeCrypto.verify(signer.publicKey, new Uint8Array(0), sig));
  sig[0] ^= 1;
  assert.ok(!nodeCrypto.verify(signer.publicKey, new Uint8Array(0), sig));
});

test('SHA-256 of the empty string', () => {
  assert.equal(Buffer.from(nodeCrypto.sha256(new Uint8Array(0))).toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
