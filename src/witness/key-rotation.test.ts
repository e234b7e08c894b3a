import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode } from '../core/encoding.ts';
import { leafHash, rootFromLeafHashes } from '../core/merkle/hash.ts';
import { consistencyProof } from '../core/merkle/proof.ts';
import { ReferenceTree } from '../core/merkle/reference-tree.ts';
import { signRotation } from '../core/keys/rotation.ts';
import { formatAddCheckpoint } from '../core/note/add-checkpoint.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { formatVerifierKey } from '../core/note/key.ts';
import { signNote } from '../core/note/note.ts';
import { nodeCrypto as c, newSeed, signerFromSeed } from '../node/crypto.ts';
import { processAddCheckpoint, type WitnessDeps } from './add-checkpoint.ts';
import { processKeyRotation } from './key-rotation.ts';
import { pinLog } from './pin-log.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';

const party = 'Washington';
const origins = ['hotline/line/deconfliction/Washington', 'hotline/line/aegean/Washington'];
const [k1, k2, k3] = [1, 2, 3].map(() => signerFromSeed(newSeed()));
const vkey = (s: typeof k1) => formatVerifierKey(c, party, s.publicKey);
const hashes = Array.from({ length: 4 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));

function setUp() {
  const store = new SqliteWitnessStore(':memory:');
  for (const o of origins) pinLog(store, o, vkey(k1), 0);
  pinLog(store, 'hotline/line/aegean/Moscow', formatVerifierKey(c, 'Moscow', k3.publicKey), 0);
  const deps: WitnessDeps = { crypto: c, name: 'w.example/1', signer: signerFromSeed(newSeed()), clock: () => 1_700_000_000_000, store };
  const add = (origin: string, size: number, signer: typeof k1) => {
    const note = signNote(c, formatCheckpoint({ origin, size, root: rootFromLeafHashes(c, hashes.slice(0, size)), extensions: [] }), [{ name: party, signer }]);
    const proof = consistencyProof(c, 0, size, new ReferenceTree(c, hashes.slice(0, size)).node);
    return processAddCheckpoint(deps, formatAddCheckpoint({ oldSize: 0, proof: size === 0 ? [] : proof, checkpoint: note }));
  };
  return { store, deps, add };
}

test('the witness follows a rotation on every log of the party, and stops trusting the old key', () => {
  const { store, deps, add } = setUp();
  const statement = signRotation(c, { party, old: vkey(k1), new: vkey(k2), time: 1 }, k1, k2);
  const r = processKeyRotation(deps, statement);
  assert.deepEqual(r, { ok: true, rotated: [...origins].sort(), already: false });
  for (const o of origins) assert.deepEqual(store.log(o)!.keys, [vkey(k2)]);
  assert.deepEqual(store.log('hotline/line/aegean/Moscow')!.keys, [formatVerifierKey(c, 'Moscow', k3.publicKey)]);
  assert.equal(add(origins[0], 2, k2).ok, true);
  const old = add(origins[1], 2, k1);
  assert.equal(old.ok, false);
  assert.equal(!old.ok && old.status, 403);
  // Again: already done, not an error.
  assert.deepEqual(processKeyRotation(deps, statement), { ok: true, rotated: [], already: true });
});

test('a rotation the witness cannot follow is refused with a reason', () => {
  const { deps } = setUp();
  const fromUnknown = signRotation(c, { party, old: vkey(k3), new: vkey(k2), time: 1 }, k3, k2);
  assert.deepEqual(processKeyRotation(deps, fromUnknown), { ok: false, status: 403, message: 'no log of Washington here trusts the key this rotation starts from' });
  const text = `hotline/key-rotation/v1\nparty ${party}\nold ${vkey(k1)}\nnew ${vkey(k2)}\ntime 1\n`;
  const oneSided = signNote(c, text, [{ name: party, signer: k1 }]);
  const refused = processKeyRotation(deps, oneSided);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.status, 403);
  const garbage = processKeyRotation(deps, 'not a statement');
  assert.equal(!garbage.ok && garbage.status, 400);
});
