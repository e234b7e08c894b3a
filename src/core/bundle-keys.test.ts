import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto as c, signerFromSeed } from '../node/crypto.ts';
import { BUNDLE_FORMAT, verifyBundle, type Bundle } from './bundle.ts';
import type { Signer } from './crypto.ts';
import { toBase64 } from './encoding.ts';
import { encodeEntry, type JsonObject } from './entry.ts';
import { signRevocation } from './keys/revocation.ts';
import { signRotation } from './keys/rotation.ts';
import { KEY_REVOKE, KEY_ROTATE } from './kinds/key.ts';
import { definitionBody, LINE_DEFINE } from './kinds/line-definition.ts';
import { logOrigin, type Line } from './line.ts';
import { leafHash } from './merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from './merkle/frontier.ts';
import { formatCheckpoint } from './note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from './note/key.ts';
import { signNote } from './note/note.ts';

// Bundles whose logs change keys: a rotation is followed with no help, a
// revocation only to a replacement someone confirmed.

const W = 'Washington';
const M = 'Moscow';
const [w1, w2, w3, m1] = [1, 2, 3, 4].map((n) => signerFromSeed(new Uint8Array(32).fill(n)));
const key = (party: string, s: Signer) => formatVerifierKey(c, party, s.publicKey);
const T = 1_790_000_000_000;
const line: Line = { id: 'aegean', title: 'Aegean', parties: [{ name: W, key: key(W, w1) }, { name: M, key: key(M, m1) }], discreet: false, createdAt: T };

function log(party: string, items: Array<[Signer, string, JsonObject]>, since?: number) {
  let frontier: Frontier = [];
  const entries: string[] = [];
  let earlier: string | undefined;
  items.forEach(([signer, kind, body], seq) => {
    const bytes = encodeEntry({ v: 1, line: line.id, party, seq, time: T + seq * 10, kind, body, seen: {} }, signer);
    frontier = appendLeaf(c, frontier, seq, leafHash(c, bytes)).frontier;
    entries.push(toBase64(bytes));
    if (seq + 1 === since) earlier = signNote(c, formatCheckpoint({ origin: logOrigin(line.id, party), size: seq + 1, root: frontierRoot(c, frontier), extensions: [] }), [{ name: party, signer }]);
  });
  const last = items.at(-1)![0];
  const checkpoint = signNote(c, formatCheckpoint({ origin: logOrigin(line.id, party), size: items.length, root: frontierRoot(c, frontier), extensions: [] }), [{ name: party, signer: last }]);
  return { party, checkpoint, entries, earlier };
}

const msg = (text: string): JsonObject => ({ text, from: 'duty' });
const rotate = signRotation(c, { party: W, old: key(W, w1), new: key(W, w2), time: T }, w1, w2);
const moscow = log(M, [[m1, 'message', msg('ack')]]);

test('a bundle whose log rotated verifies, with the pin on either key, and --since checkpoints from before the rotation', () => {
  const w = log(W, [[w1, LINE_DEFINE, definitionBody(line) as unknown as JsonObject], [w1, 'message', msg('a')], [w1, KEY_ROTATE, { statement: rotate }], [w2, 'message', msg('b')]], 2);
  const bundle: Bundle = { format: BUNDLE_FORMAT, line, creator: W, logs: [w, moscow].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries })) };
  for (const pin of [key(W, w1), key(W, w2)]) {
    const v = verifyBundle(c, bundle, { pinned: [parseVerifierKey(c, pin)], since: new Map([[W, w.earlier!]]) });
    assert.deepEqual(v.logs[0].keys.map((k) => k.from), [0, 3]);
    assert.deepEqual(v.logs[0].disputed, []);
  }
  assert.throws(() => verifyBundle(c, bundle, { pinned: [parseVerifierKey(c, key(W, w3))] }), /not the pinned key, and Washington's log does not rotate to it/);
});

test('a bundle across a revocation: followed with the exporter\'s confirmation, disputed entries reported', () => {
  const revocation = signRevocation(c, W, key(W, w1), w1);
  const w = log(W, [[w1, LINE_DEFINE, definitionBody(line) as unknown as JsonObject], [w1, 'message', msg('before')], [w1, 'message', msg('after')],
    [w2, KEY_REVOKE, { revocation, compromisedAt: T + 15, key: key(W, w2) }], [w2, 'message', msg('new')]]);
  const logs = [w, moscow].map(({ party, checkpoint, entries }) => ({ party, checkpoint, entries }));
  const bare: Bundle = { format: BUNDLE_FORMAT, line, creator: W, logs };
  assert.throws(() => verifyBundle(c, bare), /no operator here has confirmed/);
  const confirmed: Bundle = { ...bare, revocations: [{ party: W, key: key(W, w1), compromisedAt: T + 15, replacement: key(W, w2) }] };
  const v = verifyBundle(c, confirmed);
  assert.deepEqual(v.logs[0].disputed, [2]);
  assert.deepEqual(v.logs[0].keys.map((k) => [k.from, k.by]), [[0, 'line'], [3, 'revocation']]);
  // A pin of the replacement confirms it even without the exporter's word.
  assert.deepEqual(verifyBundle(c, bare, { pinned: [parseVerifierKey(c, key(W, w2))] }).logs[0].disputed, []);
});
