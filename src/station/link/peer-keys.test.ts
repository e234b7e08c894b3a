import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../../core/crypto.ts';
import { signRotation } from '../../core/keys/rotation.ts';
import { formatVerifierKey, parseVerifierKey } from '../../core/note/key.ts';
import { newSeed, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import { followRotations, PeerKeys } from './peer-keys.ts';
import { PRE_AUTH_MAX_PAYLOAD } from './payload-limit.ts';

const text = (s: Signer) => formatVerifierKey(c, 'Rome', s.publicKey);
const rotate = (from: Signer, to: Signer, time: number) => signRotation(c, { party: 'Rome', old: text(from), new: text(to), time }, from, to);

test('a peer\'s rotations are followed from the pinned key, skipping statements before it; a chain from another key leads nowhere', () => {
  const [k1, k2, k3, k4] = Array.from({ length: 4 }, () => signerFromSeed(newSeed()));
  const chain = [rotate(k1, k2, 10), rotate(k2, k3, 20), rotate(k3, k4, 30)];
  const reached = (pin: Signer, statements = chain) => followRotations(c, 'Rome', parseVerifierKey(c, text(pin)), statements, []).map((r) => r.text);
  assert.deepEqual(reached(k1), [text(k2), text(k3), text(k4)]);
  assert.deepEqual(reached(k2), [text(k3), text(k4)], 'a pin part-way along follows from there');
  assert.deepEqual(reached(k4), [], 'the current key: nothing to follow');
  const stranger = signerFromSeed(newSeed());
  assert.deepEqual(reached(stranger), [], 'statements from another key are not followed');
  // A statement missing from the middle breaks the chain there.
  assert.deepEqual(reached(k1, [chain[0], chain[2]]), [text(k2)]);
  // A statement for another party, or one not countersigned, is not followed.
  const paris = signRotation(c, { party: 'Paris', old: formatVerifierKey(c, 'Paris', k1.publicKey), new: formatVerifierKey(c, 'Paris', k2.publicKey), time: 1 }, k1, k2);
  assert.deepEqual(followRotations(c, 'Rome', parseVerifierKey(c, formatVerifierKey(c, 'Paris', k1.publicKey)), [paris], []), []);
  const forged = chain[0].split('\n').slice(0, -2).join('\n') + '\n';
  assert.deepEqual(reached(k1, [forged]), [], 'signed by the old key only');
});

test('a rotation the pinned key signed at or after its recorded compromise is not followed, unless it leads to the confirmed replacement', () => {
  const [k1, k2, k3] = Array.from({ length: 3 }, () => signerFromSeed(newSeed()));
  const pin = parseVerifierKey(c, text(k1));
  const revoked = [{ party: 'Rome', key: text(k1), compromisedAt: 100 }];
  assert.deepEqual(followRotations(c, 'Rome', pin, [rotate(k1, k2, 99)], revoked).map((r) => r.text), [text(k2)], 'made before the compromise');
  assert.deepEqual(followRotations(c, 'Rome', pin, [rotate(k1, k2, 100)], revoked), [], 'made at the compromise time: the thief may have made it');
  assert.deepEqual(followRotations(c, 'Rome', pin, [rotate(k1, k3, 200)], [{ ...revoked[0], replacement: text(k3) }]).map((r) => r.text), [text(k3)]);
});

test('the pin follows a rotation only from the key still pinned; an offered key is remembered for the operators', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-peer-keys-'));
  const store = new SqliteStore(join(dir, 'station.db'));
  try {
    const [k1, k2, k3] = Array.from({ length: 3 }, () => signerFromSeed(newSeed()));
    await store.setPeer({ name: 'Rome', key: text(k1), urls: ['wss://127.0.0.1:1/link'] });
    const keys = new PeerKeys({ store, crypto: c, clock: () => 5000 });
    await keys.load();
    keys.followed('Rome', text(k3), text(k2));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await store.listPeers())[0].key, text(k1), 'a follow from a key no longer pinned changes nothing');
    keys.followed('Rome', text(k1), text(k2));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await store.listPeers(), [{ name: 'Rome', key: text(k2), urls: ['wss://127.0.0.1:1/link'] }]);
    assert.ok((await store.securityEvents({ limit: 10 })).some((e) => e.kind === 'peer.pinned' && e.detail.includes('rotation')));
    keys.offered('Rome', text(k3));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await store.setting('keys.offered'), { Rome: { key: text(k3), at: 5000 } });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hello carrying eight rotation statements fits the pre-authentication message limit', () => {
  const signers = Array.from({ length: 9 }, () => signerFromSeed(newSeed()));
  const name = 'A-station-with-a-long-party-name-of-forty';
  const vk = (s: Signer) => formatVerifierKey(c, name, s.publicKey);
  const keys = signers.slice(1).map((s, i) => signRotation(c, { party: name, old: vk(signers[i]), new: vk(s), time: Date.now() }, signers[i], s));
  const hello = JSON.stringify({ t: 'hello', party: name, sig: 'A'.repeat(88), keys, key: vk(signers[8]) });
  assert.ok(hello.length < PRE_AUTH_MAX_PAYLOAD / 10, `${hello.length} bytes: room for statements that also rotate ML-DSA keys (~10 KiB each)`);
});
