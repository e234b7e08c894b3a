import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode } from '../core/encoding.ts';
import { emptyRoot, leafHash, rootFromLeafHashes } from '../core/merkle/hash.ts';
import { consistencyProof } from '../core/merkle/proof.ts';
import { ReferenceTree } from '../core/merkle/reference-tree.ts';
import { formatAddCheckpoint } from '../core/note/add-checkpoint.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { formatCosignerKey, signCosignature, verifyCosignature } from '../core/note/cosignature.ts';
import { formatVerifierKey, parseVerifierKey } from '../core/note/key.ts';
import { signNote, verifyNote } from '../core/note/note.ts';
import { nodeCrypto as c, newSeed, signerFromSeed } from '../node/crypto.ts';
import { processAddCheckpoint, type AddCheckpointResult, type WitnessDeps } from './add-checkpoint.ts';
import { pinLog } from './pin-log.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';
import type { WitnessStore } from './store.ts';

const ORIGIN = 'hotline/line/deconfliction/Washington';
const LOG_NAME = 'Washington';
const logSigner = signerFromSeed(newSeed());
const logVkey = formatVerifierKey(c, LOG_NAME, logSigner.publicKey);
const WITNESS = 'witness.example.org/w1';
const witnessSigner = signerFromSeed(newSeed());
const witnessKey = parseVerifierKey(c, formatCosignerKey(c, WITNESS, witnessSigner.publicKey));

const leaves = (tag: string, n: number) => Array.from({ length: n }, (_, i) => leafHash(c, utf8Encode(`${tag} entry ${i}`)));
const A = leaves('A', 16);
const B = leaves('B', 16);

function checkpointText(hashes: Uint8Array[], size: number, origin = ORIGIN, extensions: string[] = []): string {
  return formatCheckpoint({ origin, size, root: rootFromLeafHashes(c, hashes.slice(0, size)), extensions });
}

function signed(hashes: Uint8Array[], size: number, signer = logSigner, name = LOG_NAME): string {
  return signNote(c, checkpointText(hashes, size), [{ name, signer }]);
}

function proof(hashes: Uint8Array[], m: number, n: number): Uint8Array[] {
  return consistencyProof(c, m, n, new ReferenceTree(c, hashes.slice(0, n)).node);
}

function witness(now = { ms: 1_700_000_000_500 }, store: WitnessStore = new SqliteWitnessStore(':memory:')) {
  pinLog(store, ORIGIN, logVkey, 0);
  const deps: WitnessDeps = { crypto: c, name: WITNESS, signer: witnessSigner, clock: () => now.ms, store };
  const add = (oldSize: number, p: Uint8Array[], checkpoint: string) =>
    processAddCheckpoint(deps, formatAddCheckpoint({ oldSize, proof: p, checkpoint }));
  return { deps, store, now, add, state: () => store.log(ORIGIN)! };
}

function assertOk(r: AddCheckpointResult): asserts r is Extract<AddCheckpointResult, { ok: true }> {
  assert.ok(r.ok, JSON.stringify(r));
}

test('cosigns a first checkpoint from size 0; the cosignature covers exactly its text', () => {
  const w = witness();
  const note = signed(A, 3);
  const r = w.add(0, [], note);
  assertOk(r);
  assert.equal(r.size, 3);
  assert.equal(r.timestamp, 1_700_000_000, 'whole seconds of the injected clock');
  assert.equal(r.cosignatures.length, 1);
  const [line] = r.cosignatures;
  assert.ok(line.startsWith(`— ${WITNESS} `) && line.endsWith('\n'));

  const text = checkpointText(A, 3);
  assert.deepEqual(verifyCosignature(c, witnessKey, text, line), { timestamp: 1_700_000_000 });
  assert.equal(line, signCosignature(c, WITNESS, witnessSigner, text, 1_700_000_000), 'deterministic Ed25519 over cosignature/v1 + text');
  // The spec's client recipe: append the lines to the note and verify with both keys.
  const both = verifyNote(c, note + line, [parseVerifierKey(c, logVkey), witnessKey]);
  assert.equal(both.verified.length, 2);
  assert.deepEqual(both.cosignatures.map((s) => s.timestamp), [1_700_000_000]);
  // Not valid for any other text: another size, or the same tree head with an extension line.
  assert.equal(verifyCosignature(c, witnessKey, checkpointText(A, 4), line), null);
  assert.equal(verifyCosignature(c, witnessKey, checkpointText(A, 3, ORIGIN, ['ext']), line), null);

  const s = w.state();
  assert.equal(s.size, 3);
  assert.deepEqual(s.root, rootFromLeafHashes(c, A.slice(0, 3)));
  assert.equal(s.note, note, 'the signed note is kept as submitted');
  assert.equal(s.cosignedAt, 1_700_000_000);
});

test('grows with valid consistency proofs, and re-cosigns the same tree head', () => {
  const w = witness();
  assertOk(w.add(0, [], signed(A, 3)));
  for (const [m, n] of [[3, 8], [8, 13], [13, 16]]) {
    const r = w.add(m, proof(A, m, n), signed(A, n));
    assertOk(r);
    assert.equal(w.state().size, n);
  }
  w.now.ms += 5_000;
  const again = w.add(16, [], signed(A, 16));
  assertOk(again);
  assert.equal(again.timestamp, 1_700_000_005);
  assert.equal(w.state().size, 16);
});

test('409 with the witnessed size when the old size is stale', () => {
  const w = witness();
  assertOk(w.add(0, [], signed(A, 3)));
  assertOk(w.add(3, proof(A, 3, 8), signed(A, 8)));
  const before = w.state();
  for (const old of [0, 3, 5]) {
    const r = w.add(old, old === 0 ? [] : proof(A, old, 10), signed(A, 10));
    assert.deepEqual(r, { ok: false, status: 409, origin: ORIGIN, knownSize: 8, message: `old size ${old} is not the size of the latest cosigned checkpoint` });
  }
  // Never rolls back: a smaller checkpoint claimed from the witnessed size is malformed.
  assert.equal((w.add(8, [], signed(A, 5)) as any).status, 400);
  assert.deepEqual(w.state(), before);
  assert.equal(w.store.evidenceCount(ORIGIN), 0, 'a lagging client is not evidence of anything');
});

test('422 when the consistency proof does not verify; nothing is stored but the evidence', () => {
  const w = witness();
  assertOk(w.add(0, [], signed(A, 3)));
  const before = w.state();
  const bad = proof(A, 3, 8).map((h) => h.slice());
  bad[0][0] ^= 1;
  for (const p of [bad, [], proof(A, 3, 8).slice(1), [...proof(A, 3, 8), A[0]], proof(A, 4, 8)]) {
    const r = w.add(3, p, signed(A, 8));
    assert.equal(r.ok ? 200 : r.status, 422);
  }
  assert.deepEqual(w.state(), before);
  assert.equal(w.store.evidenceCount(ORIGIN), 5);
});

test('the first checkpoint must come with an empty proof', () => {
  const w = witness();
  const r = w.add(0, [A[0]], signed(A, 3));
  assert.equal(r.ok ? 200 : r.status, 422);
  assert.equal(w.state().size, 0);
});

test('404 for an unknown origin, 403 for a checkpoint the pinned key did not sign', () => {
  const w = witness();
  const other = signNote(c, checkpointText(A, 3, 'hotline/line/other/Washington'), [{ name: LOG_NAME, signer: logSigner }]);
  assert.deepEqual(w.add(0, [], other), { ok: false, status: 404, message: 'unknown log', origin: 'hotline/line/other/Washington' });

  const impostor = signerFromSeed(newSeed());
  const byImpostor = signed(A, 3, impostor);
  const r = w.add(0, [], byImpostor);
  assert.equal(r.ok ? 200 : r.status, 403);

  // A pinned key's signature over other text: the tampered note fails outright.
  const genuine = signed(A, 3);
  const tampered = genuine.replace(`\n3\n`, `\n4\n`);
  assert.equal((w.add(0, [], tampered) as any).status, 403);
  // A witness cosignature in the note is not the log's signature.
  const cosignedOnly = `${checkpointText(A, 3)}\n${signCosignature(c, WITNESS, witnessSigner, checkpointText(A, 3), 1)}`;
  assert.equal((w.add(0, [], cosignedOnly) as any).status, 403);
  assert.equal(w.state().size, 0);
});

test('signatures from unknown keys are ignored', () => {
  const w = witness();
  const text = checkpointText(A, 3);
  const note = signNote(c, text, [{ name: 'someone-else', signer: signerFromSeed(newSeed()) }, { name: LOG_NAME, signer: logSigner }]);
  const otherWitness = signCosignature(c, 'witness.example.net', signerFromSeed(newSeed()), text, 42);
  assertOk(w.add(0, [], note + otherWitness));
});

test('a checkpoint inconsistent with the witnessed one is refused and the state does not change', () => {
  const w = witness();
  assertOk(w.add(0, [], signed(A, 4)));
  const before = w.state();
  // Fork B is internally consistent: its own proof from 4 to 6 is valid, but not from A's size-4 root.
  const fork = w.add(4, proof(B, 4, 6), signed(B, 6));
  assert.equal(fork.ok ? 200 : fork.status, 422);
  // Same size, other root: a split view in plain sight.
  const split = w.add(4, [], signed(B, 4));
  assert.deepEqual(split, { ok: false, status: 409, origin: ORIGIN, knownSize: 4, message: 'a checkpoint of size 4 with a different root hash was already cosigned', evidence: true });
  assert.deepEqual(w.state(), before);
  assert.equal(w.store.evidenceCount(ORIGIN), 2);
  // The honest history still goes through.
  assertOk(w.add(4, proof(A, 4, 6), signed(A, 6)));
});

test('the empty tree: size 0 must carry the empty root', () => {
  const w = witness();
  const empty = signNote(c, formatCheckpoint({ origin: ORIGIN, size: 0, root: emptyRoot(c), extensions: [] }), [{ name: LOG_NAME, signer: logSigner }]);
  assertOk(w.add(0, [], empty));
  const wrong = signNote(c, formatCheckpoint({ origin: ORIGIN, size: 0, root: A[0], extensions: [] }), [{ name: LOG_NAME, signer: logSigner }]);
  assert.equal((w.add(0, [], wrong) as any).status, 409);
  assertOk(w.add(0, [], signed(A, 2)));
});

test('400 for malformed requests', () => {
  const w = witness();
  const note = signed(A, 3);
  for (const body of ['', 'old 0\n', `old x\n\n${note}`, 'old 0\n\nnot a note\n', `old 0\n\n${checkpointText(A, 3)}`]) {
    const r = processAddCheckpoint(w.deps, body);
    assert.equal(r.ok ? 200 : r.status, 400, body);
  }
  // Signed by the log but not a checkpoint.
  const notCheckpoint = signNote(c, `${ORIGIN}\nhello\n`, [{ name: LOG_NAME, signer: logSigner }]);
  assert.equal((w.add(0, [], notCheckpoint) as any).status, 400);
  assert.equal((w.add(4, [], note) as any).status, 400, 'old size above the checkpoint size');
});

test('cosignature timestamps never go backwards, even if the clock does', () => {
  const w = witness();
  const r1 = w.add(0, [], signed(A, 3));
  assertOk(r1);
  w.now.ms -= 3_600_000;
  const r2 = w.add(3, proof(A, 3, 5), signed(A, 5));
  assertOk(r2);
  assert.equal(r2.timestamp, r1.timestamp);
  assert.ok(verifyCosignature(c, witnessKey, checkpointText(A, 5), r2.cosignatures[0]));
});

test('a request that loses the race to another is refused with the winner\'s size, never rolled back', () => {
  const inner = new SqliteWitnessStore(':memory:');
  // Another request commits size 8 between this request's check and its write.
  const racing: WitnessStore = Object.assign(Object.create(inner), {
    advance(origin: string, from: any, to: any) {
      inner.advance(origin, from, { size: 8, root: rootFromLeafHashes(c, A.slice(0, 8)), note: 'winner', cosignedAt: 1 });
      return inner.advance(origin, from, to);
    },
  });
  const w = witness(undefined, racing);
  const r = w.add(0, [], signed(A, 5));
  assert.deepEqual(r, { ok: false, status: 409, origin: ORIGIN, knownSize: 8, message: 'another checkpoint was cosigned concurrently' });
  assert.equal(inner.log(ORIGIN)!.size, 8);
});
