import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { decodeEntry, encodeEntry } from '../entry.ts';
import { KEY_REVOKE, KEY_ROTATE } from '../kinds/key.ts';
import { signRevocation } from '../keys/revocation.ts';
import { signRotation } from '../keys/rotation.ts';
import { formatVerifierKey } from '../note/key.ts';
import { foldEntry } from './fold.ts';
import { fromSnapshot, toSnapshot } from './snapshot.ts';
import { createLineState } from './state.ts';
import { currentKey, keyAt } from './keys.ts';

const [k1, k2, k3] = [1, 2, 3].map((n) => signerFromSeed(new Uint8Array(32).fill(n)));
const vkey = (s: typeof k1) => formatVerifierKey(c, 'A', s.publicKey);
const line = { id: 'l-1', title: 't', parties: [{ name: 'A', key: vkey(k1) }, { name: 'B', key: formatVerifierKey(c, 'B', k3.publicKey) }], discreet: false, createdAt: 0 };
const entry = (seq: number, kind: string, body: Record<string, unknown>, signer = k1) =>
  decodeEntry(encodeEntry({ v: 1, line: 'l-1', party: 'A', seq, time: seq, kind, body, seen: {} }, signer));

test('the fold knows which key signs each entry, in any order, and keeps it across a snapshot', () => {
  const rotate = entry(3, KEY_ROTATE, { statement: signRotation(c, { party: 'A', old: vkey(k1), new: vkey(k2), time: 3 }, k1, k2) });
  const revoke = entry(7, KEY_REVOKE, { revocation: signRevocation(c, 'A', vkey(k2), k2), compromisedAt: 5, key: vkey(k3) }, k3);
  for (const order of [[rotate, revoke], [revoke, rotate]]) {
    const s = createLineState(line, 'B');
    for (const e of order) foldEntry(s, e);
    assert.deepEqual([0, 3, 4, 6, 7, 9].map((seq) => keyAt(s, 'A', seq)), [vkey(k1), vkey(k1), vkey(k2), vkey(k2), vkey(k3), vkey(k3)]);
    assert.equal(currentKey(s, 'A'), vkey(k3));
    assert.equal(currentKey(s, 'B'), line.parties[1].key);
    assert.equal(s.keyChanges[1].revoked, vkey(k2));
    const back = fromSnapshot(line, 'B', JSON.parse(JSON.stringify(toSnapshot(s))))!;
    assert.deepEqual(back.keyChanges, s.keyChanges);
  }
});

test('a malformed key entry is counted, not folded', () => {
  const s = createLineState(line, 'B');
  foldEntry(s, entry(1, KEY_ROTATE, { statement: 'nonsense' }));
  assert.equal(s.keyChanges.length, 0);
  assert.equal(s.malformed, 1);
});
