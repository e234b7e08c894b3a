import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntry, encodeEntry } from '../../core/entry.ts';
import { KEY_REVOKE } from '../../core/kinds/key.ts';
import { signRevocation } from '../../core/keys/revocation.ts';
import { foldEntry } from '../../core/line-state/fold.ts';
import { createLineState } from '../../core/line-state/state.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { disputedOn } from './disputed.ts';

// Disputed = signed by a revoked key (as the fold says which key signed it) at or after the compromise time.
const [old, next, other] = [1, 2, 3].map((n) => signerFromSeed(new Uint8Array(32).fill(n)));
const vkey = (name: string, s: typeof old) => formatVerifierKey(c, name, s.publicKey);
const line = { id: 'l-1', title: 't', parties: [{ name: 'A', key: vkey('A', old) }, { name: 'B', key: vkey('B', other) }], discreet: false, createdAt: 0 };
const entry = (seq: number, time: number, kind: string, body: Record<string, unknown>, signer = old) =>
  decodeEntry(encodeEntry({ v: 1, line: 'l-1', party: 'A', seq, time, kind, body, seen: {} }, signer));

test('entries the revoked key signed at or after the compromise are disputed; earlier ones, the replacement\'s and other parties\' are not', () => {
  const s = createLineState(line, 'B');
  foldEntry(s, entry(3, 900, KEY_REVOKE, { revocation: signRevocation(c, 'A', vkey('A', old), old), compromisedAt: 500, key: vkey('A', next) }, next));
  const revocation = { party: 'A', key: vkey('A', old), compromisedAt: 500, replacement: vkey('A', next) };
  const d = disputedOn(c, s, [revocation]);
  assert.equal(d('A', 0, 100), false, 'before the compromise');
  assert.equal(d('A', 1, 500), true, 'at the compromise time');
  assert.equal(d('A', 2, 800), true, 'after it');
  assert.equal(d('A', 3, 900), false, 'the key.revoke entry is the replacement\'s');
  assert.equal(d('A', 4, 1000), false, 'after the key.revoke: the replacement signs');
  assert.equal(d('B', 5, 800), false, 'another party');
  // A revocation of a party the line does not name, or none at all: nothing disputed.
  assert.equal(disputedOn(c, s, [{ ...revocation, party: 'C', key: vkey('C', old) }])('A', 1, 600), false);
  assert.equal(disputedOn(c, s, [])('A', 1, 600), false);
  // Before the key.revoke arrives here, every entry the old key signed after the compromise is disputed, however late.
  const early = createLineState(line, 'B');
  assert.equal(disputedOn(c, early, [revocation])('A', 9, 5000), true);
});
