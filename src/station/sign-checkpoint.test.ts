import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logOrigin } from '../core/line.ts';
import { appendLeaf, type Frontier } from '../core/merkle/frontier.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { parseCheckpoint } from '../core/note/checkpoint.ts';
import { formatCosignerKey } from '../core/note/cosignature.ts';
import { parseVerifierKey } from '../core/note/key.ts';
import { parseNote, verifyNote } from '../core/note/note.ts';
import { nodeCrypto as c, signerFromSeed } from '../node/crypto.ts';
import { Appender } from './appender.ts';
import { createIdentity } from './identity.ts';
import { checkIntegrity } from './integrity-check.ts';
import { createPqKey, loadPqKey, PQ_KEY_FILE, PqKeyFile } from './keys/pq-key.ts';
import { OwnLogHold } from './recovery/own-log-hold.ts';
import { signCheckpoint } from './sign-checkpoint.ts';
import { signReceipt } from './sign-receipt.ts';
import { SqliteStore } from './storage/sqlite/sqlite-store.ts';

/** A station directory with its Ed25519 and ML-DSA keys, a SQLite store and a line with three entries of its own. */
async function station() {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pq-'));
  const store = new SqliteStore(join(dir, 'station.db'));
  const identity = createIdentity('Paris', join(dir, 'station.key'));
  const pq = createPqKey(dir, 'Paris');
  await store.createLine({ id: 'line-1', title: 'line-1', parties: [{ name: 'Paris', key: identity.vkey }], discreet: false, createdAt: 1, memberIds: [] });
  let now = 1000;
  const appender = new Appender({ store, crypto: c, signer: identity.signer, party: 'Paris', clock: () => now++, hold: new OwnLogHold() });
  await appender.open('line-1');
  for (const text of ['one', 'two', 'three']) await appender.append({ line: 'line-1', kind: 'message', body: { text } });
  return { dir, store, identity, pq, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** The frontier of the stored log, rebuilt from its entries as any verifier would. */
async function storedFrontier(store: SqliteStore, log: { line: string; party: string }, size: number): Promise<Frontier> {
  let frontier: Frontier = [];
  const entries = await store.entries(log, 0, size);
  entries.forEach((bytes, i) => (frontier = appendLeaf(c, frontier, i, leafHash(c, bytes)).frontier));
  return frontier;
}

test('a station\'s stored checkpoint carries an Ed25519 and an ML-DSA line; Ed25519-only checks still pass', async () => {
  const s = await station();
  try {
    const log = { line: 'line-1', party: 'Paris' };
    const frontier = await storedFrontier(s.store, log, 3);
    // The commit the Appender makes: compare-and-set on the stored size, the checkpoint signed inside it.
    await s.store.commit({ entries: [], checkpoints: [], grewFrom: [{ ...log, size: 3 }], sign: () => [signCheckpoint({ crypto: c, signer: s.identity.signer, party: 'Paris', pq: s.pq.signer }, 'line-1', 3, frontier)] });
    const stored = await s.store.latestCheckpoint(log);
    assert.ok(stored);
    assert.equal(stored.size, 3);
    const note = parseNote(stored.note);
    assert.deepEqual(note.signatures.map((x) => [x.name, x.hash]), [['Paris', s.identity.verifier.hash], ['Paris', s.pq.verifier.hash]]);
    assert.equal(parseCheckpoint(note.text).origin, logOrigin('line-1', 'Paris'));

    assert.deepEqual(verifyNote(c, stored.note, [s.identity.verifier]).verified, [s.identity.verifier], 'Ed25519 only: the ML-DSA line is skipped');
    assert.deepEqual(verifyNote(c, stored.note, [s.pq.verifier]).verified, [s.pq.verifier], 'ML-DSA only: the record still verifies');
    // The station's whole-log check (Ed25519 keys, as every verifier before ML-DSA) accepts the two-line checkpoint.
    assert.deepEqual(await checkIntegrity(s.store, c, 'Paris'), { logs: 1, entries: 3 });
  } finally {
    await s.cleanup();
  }
});

test('without an ML-DSA key the checkpoint is as before: one Ed25519 line', async () => {
  const s = await station();
  try {
    const frontier = await storedFrontier(s.store, { line: 'line-1', party: 'Paris' }, 3);
    const cp = signCheckpoint({ crypto: c, signer: s.identity.signer, party: 'Paris' }, 'line-1', 3, frontier);
    assert.equal(parseNote(cp.note).signatures.length, 1);
    // And the same text as the Appender signed for that size.
    const appended = await s.store.latestCheckpoint({ line: 'line-1', party: 'Paris' });
    assert.equal(parseNote(cp.note).text, parseNote(appended!.note).text);
  } finally {
    await s.cleanup();
  }
});

test('a receipt carries an ML-DSA line beside the cosignature/v1 line, stored and verifiable by the peer\'s pinned keys', async () => {
  const s = await station();
  try {
    const log = { line: 'line-1', party: 'Paris' };
    const checkpoint = (await s.store.latestCheckpoint(log))!;
    // Kyiv receipts Paris's checkpoint.
    const kyiv = signerFromSeed(new Uint8Array(32).fill(7));
    const dir = mkdtempSync(join(tmpdir(), 'hotline-pq-kyiv-'));
    try {
      const kyivPq = createPqKey(dir, 'Kyiv');
      const text = parseNote(checkpoint.note).text;
      const receipt = signReceipt({ crypto: c, signer: kyiv, me: 'Kyiv', pq: kyivPq.signer }, text, 1767225600);
      assert.ok(receipt.pqSignature);
      await s.store.commit({ entries: [], checkpoints: [], cosignatures: [{ ...log, size: checkpoint.size, cosigner: 'Kyiv', timestamp: 1767225600, ...receipt }] });
      const [stored] = await s.store.cosignatures(log, checkpoint.size);
      assert.equal(stored.pqSignature, receipt.pqSignature);
      const cosigned = checkpoint.note + stored.signature + stored.pqSignature;
      const kyivKey = parseVerifierKey(c, formatCosignerKey(c, 'Kyiv', kyiv.publicKey));
      const r = verifyNote(c, cosigned, [s.identity.verifier, kyivKey, kyivPq.verifier]);
      assert.deepEqual(r.cosignatures, [{ key: kyivKey, timestamp: 1767225600 }, { key: kyivPq.verifier, timestamp: 1767225600 }]);
      // Without an ML-DSA key: the receipt is the one line it always was.
      assert.deepEqual(Object.keys(signReceipt({ crypto: c, signer: kyiv, me: 'Kyiv' }, text, 1)), ['signature']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await s.cleanup();
  }
});

test('station.mldsa.key: 0600, loaded back, never overwritten; it rotates like station.key', async () => {
  const s = await station();
  try {
    assert.equal(statSync(join(s.dir, PQ_KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(loadPqKey(s.dir, 'Paris')?.vkey, s.pq.vkey);
    assert.throws(() => createPqKey(s.dir, 'Paris'), /never overwritten/);
    assert.throws(() => loadPqKey(s.dir, 'Kyiv'), /not of this station/);

    const keys = new PqKeyFile(s.dir, 'Paris');
    const old = keys.current()!;
    assert.equal(keys.next(), undefined);
    const next = keys.generate();
    assert.notEqual(next.vkey, old.vkey);
    assert.equal(keys.next()?.vkey, next.vkey);
    assert.equal(statSync(join(s.dir, 'station.next.mldsa.key')).mode & 0o777, 0o600);
    const now = keys.activate(next);
    assert.equal(now.vkey, next.vkey);
    assert.equal(loadPqKey(s.dir, 'Paris')?.vkey, next.vkey, 'station.mldsa.key is the new key');
    assert.equal(statSync(join(s.dir, 'station.mldsa.key.retired-1')).isFile(), true);
    assert.equal(keys.next(), undefined);
    // The retired key's signer, whoever holds it, signs nothing more.
    assert.throws(() => old.signer.sign(new Uint8Array(1)), /retired/);
    assert.equal(now.signer.sign(new Uint8Array(1)).length, 2420);
  } finally {
    await s.cleanup();
  }
});
