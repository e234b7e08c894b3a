import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import type { Signer } from '../crypto.ts';
import { encodeEntry, type JsonObject } from '../entry.ts';
import { KEY_REVOKE, KEY_ROTATE } from '../kinds/key.ts';
import { logOrigin } from '../line.ts';
import { LogVerifier } from '../log-verifier.ts';
import { leafHash } from '../merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from '../merkle/frontier.ts';
import { formatCheckpoint } from '../note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from '../note/key.ts';
import { signNote } from '../note/note.ts';
import { signRevocation, verifyRevocation } from './revocation.ts';
import { parseRotation, rotationText, signRotation, verifyRotation } from './rotation.ts';

const seed = (n: number) => new Uint8Array(32).fill(n);
const k1 = signerFromSeed(seed(1));
const k2 = signerFromSeed(seed(2));
const k3 = signerFromSeed(seed(3));
const vkey = (s: Signer) => formatVerifierKey(c, 'A', s.publicKey);

/** A log of A on line l: each item is [signer, kind, body, time]. */
function log(items: Array<[Signer, string, JsonObject, number]>) {
  let frontier: Frontier = [];
  const entries = items.map(([signer, kind, body, time], seq) => {
    const bytes = encodeEntry({ v: 1, line: 'l-1', party: 'A', seq, time, kind, body, seen: {} }, signer);
    frontier = appendLeaf(c, frontier, seq, leafHash(c, bytes)).frontier;
    return bytes;
  });
  const checkpoint = (signer: Signer) =>
    signNote(c, formatCheckpoint({ origin: logOrigin('l-1', 'A'), size: entries.length, root: frontierRoot(c, frontier), extensions: [] }), [{ name: 'A', signer }]);
  return { entries, checkpoint };
}

const rotation = (from: Signer, to: Signer) => signRotation(c, { party: 'A', old: vkey(from), new: vkey(to), time: 5 }, from, to);

test('a rotation statement round-trips and needs both signatures', () => {
  const note = rotation(k1, k2);
  const r = verifyRotation(c, note, parseVerifierKey(c, vkey(k1)));
  assert.equal(r.rotation.new, vkey(k2));
  assert.deepEqual(parseRotation(c, rotationText(r.rotation)), r.rotation);
  // Only the old key's signature: the new key never accepted.
  const oneSided = signNote(c, rotationText(r.rotation), [{ name: 'A', signer: k1 }]);
  assert.throws(() => verifyRotation(c, oneSided), /countersigned by the new key/);
  const onlyNew = signNote(c, rotationText(r.rotation), [{ name: 'A', signer: k2 }]);
  assert.throws(() => verifyRotation(c, onlyNew), /not signed by the old key/);
  // From a key the verifier does not use.
  assert.throws(() => verifyRotation(c, note, parseVerifierKey(c, vkey(k3))), /another key/);
  assert.throws(() => signRotation(c, { party: 'A', old: vkey(k1), new: vkey(k2), time: 1 }, k3, k2), /other than the ones signing/);
});

test('a log whose signer changes at a recorded rotation verifies end to end', () => {
  const l = log([[k1, 'message', { text: 'a' }, 1], [k1, KEY_ROTATE, { statement: rotation(k1, k2) }, 2], [k2, 'message', { text: 'b' }, 3]]);
  const v = new LogVerifier(c, { line: 'l-1', party: 'A', key: parseVerifierKey(c, vkey(k1)) });
  for (const e of l.entries) v.add(e);
  v.finish(l.checkpoint(k2));
  assert.deepEqual(v.chain.map((s) => [s.from, s.by]), [[0, 'line'], [2, 'rotation']]);
  // The checkpoint is the new key's once it signed an entry; the old key's is refused.
  const again = new LogVerifier(c, { line: 'l-1', party: 'A', key: parseVerifierKey(c, vkey(k1)) });
  for (const e of l.entries) again.add(e);
  assert.throws(() => again.finish(l.checkpoint(k1)), /not signed/);
});

test('entries signed by the old key after the rotation are refused', () => {
  const l = log([[k1, KEY_ROTATE, { statement: rotation(k1, k2) }, 2], [k1, 'message', { text: 'b' }, 3]]);
  const v = new LogVerifier(c, { line: 'l-1', party: 'A', key: parseVerifierKey(c, vkey(k1)) });
  v.add(l.entries[0]);
  assert.throws(() => v.add(l.entries[1]), /entry 1 .*does not verify/);
});

test('a rotation that skips the key in use is refused', () => {
  const l = log([[k1, KEY_ROTATE, { statement: rotation(k3, k2) }, 2]]);
  const v = new LogVerifier(c, { line: 'l-1', party: 'A', key: parseVerifierKey(c, vkey(k1)) });
  assert.throws(() => v.add(l.entries[0]), /another key than the one in use/);
});

test('a revocation replaces the key only with a confirmed replacement, and disputes what the old key signed after the compromise', () => {
  const revocation = signRevocation(c, 'A', vkey(k1), k1);
  assert.equal(verifyRevocation(c, revocation).statement.key, vkey(k1));
  const l = log([
    [k1, 'message', { text: 'before' }, 10],
    [k1, 'message', { text: 'after' }, 20],
    [k2, KEY_REVOKE, { revocation, compromisedAt: 15, key: vkey(k2) }, 30],
    [k2, 'message', { text: 'new' }, 40],
  ]);
  const key = parseVerifierKey(c, vkey(k1));
  const unconfirmed = new LogVerifier(c, { line: 'l-1', party: 'A', key });
  unconfirmed.add(l.entries[0]);
  unconfirmed.add(l.entries[1]);
  assert.throws(() => unconfirmed.add(l.entries[2]), /no operator here has confirmed/);

  const trust = { revocations: [{ party: 'A', key: vkey(k1), compromisedAt: 15, replacement: vkey(k2) }] };
  const v = new LogVerifier(c, { line: 'l-1', party: 'A', key, trust });
  for (const e of l.entries) v.add(e);
  v.finish(l.checkpoint(k2));
  assert.deepEqual(v.disputed, [1]);
  assert.deepEqual(v.chain.map((s) => [s.from, s.by]), [[0, 'line'], [2, 'revocation']]);

  // A pin of the replacement confirms it as well.
  const pinned = new LogVerifier(c, { line: 'l-1', party: 'A', key, trust: { pinned: [parseVerifierKey(c, vkey(k2))], revocations: [{ party: 'A', key: vkey(k1), compromisedAt: 15 }] } });
  for (const e of l.entries) pinned.add(e);
  assert.deepEqual(pinned.disputed, [1]);
});

test('a thief cannot rotate a revoked key after its compromise time', () => {
  const l = log([[k1, KEY_ROTATE, { statement: signRotation(c, { party: 'A', old: vkey(k1), new: vkey(k3), time: 20 }, k1, k3) }, 20]]);
  const trust = { revocations: [{ party: 'A', key: vkey(k1), compromisedAt: 15, replacement: vkey(k2) }] };
  const v = new LogVerifier(c, { line: 'l-1', party: 'A', key: parseVerifierKey(c, vkey(k1)), trust });
  assert.throws(() => v.add(l.entries[0]), /after its compromise time/);
});

test('a revocation statement is signed by the key it revokes', () => {
  assert.throws(() => signRevocation(c, 'A', vkey(k1), k2), /signed by the key it revokes/);
  const forged = signNote(c, 'hotline/key-revocation/v1\nparty A\nkey ' + vkey(k1) + '\n', [{ name: 'A', signer: k2 }]);
  assert.throws(() => verifyRevocation(c, forged), /not signed by that key/);
  assert.throws(() => verifyRevocation(c, 'nonsense'), /signed note/);
});

test('a rotation naming ML-DSA keys carries their lines, and a verifier with ML-DSA checks them', async () => {
  const { mlDsa44SignerFromSeed } = await import('../../node/crypto.ts');
  const { formatMlDsaVerifierKey } = await import('../note/mldsa.ts');
  const p1 = mlDsa44SignerFromSeed(seed(7));
  const p2 = mlDsa44SignerFromSeed(seed(8));
  const r = { party: 'A', old: vkey(k1), new: vkey(k2), time: 5, pqOld: formatMlDsaVerifierKey(c, 'A', p1.publicKey), pqNew: formatMlDsaVerifierKey(c, 'A', p2.publicKey) };
  const note = signRotation(c, r, k1, k2, { old: p1, new: p2 });
  assert.equal(verifyRotation(c, note).pqChecked, true);
  // Without ML-DSA the Ed25519 lines still verify it.
  const plain = { sha256: c.sha256, verify: c.verify };
  assert.equal(verifyRotation(plain, note).pqChecked, false);
  // The ML-DSA lines are those keys' and no other's.
  assert.throws(() => signRotation(c, r, k1, k2, { old: p2, new: p1 }), /ML-DSA keys other than/);
  assert.throws(() => signRotation(c, r, k1, k2), /signed by them/);
  const stripped = note.slice(0, note.lastIndexOf('— A '));
  assert.throws(() => verifyRotation(c, stripped), /not signed by its new ML-DSA key/);
  const rev = signRevocation(c, 'A', vkey(k1), k1, { key: r.pqOld, signer: p1 });
  assert.equal(verifyRevocation(c, rev).statement.pqKey, r.pqOld);
});
