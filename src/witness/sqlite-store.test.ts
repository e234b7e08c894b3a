import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey } from '../core/note/key.ts';
import { nodeCrypto as c, newSeed, signerFromSeed } from '../node/crypto.ts';
import { pinLog } from './pin-log.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const vkey = formatVerifierKey(c, 'Paris', signerFromSeed(newSeed()).publicKey);
const rotated = formatVerifierKey(c, 'Paris', signerFromSeed(newSeed()).publicKey);

test('pins keys, advances only from the expected state, and keeps it across reopening', () => {
  const path = join(dir, 'witness.db');
  const store = new SqliteWitnessStore(path);
  assert.equal(pinLog(store, 'o', vkey, 1), true);
  assert.equal(pinLog(store, 'o', vkey, 2), false, 'pinning twice is harmless');
  assert.equal(pinLog(store, 'o', rotated, 3), true, 'a second key for the same origin (rotation)');
  assert.deepEqual(store.log('o'), { origin: 'o', keys: [vkey, rotated].sort(), size: 0, root: null, note: null, cosignedAt: 0 });

  const root = new Uint8Array(32).fill(7);
  assert.equal(store.advance('o', { size: 0, root: null }, { size: 5, root, note: 'n5', cosignedAt: 10 }), true);
  assert.equal(store.advance('o', { size: 0, root: null }, { size: 3, root, note: 'n3', cosignedAt: 11 }), false, 'a stale writer cannot roll back');
  assert.equal(store.advance('o', { size: 5, root: new Uint8Array(32) }, { size: 6, root, note: 'n6', cosignedAt: 11 }), false, 'nor one that saw another root');
  store.recordEvidence({ origin: 'o', receivedAt: 1, reason: 'test', request: 'body' });
  store.close();

  const reopened = new SqliteWitnessStore(path);
  assert.deepEqual(reopened.log('o'), { origin: 'o', keys: [vkey, rotated].sort(), size: 5, root, note: 'n5', cosignedAt: 10 });
  assert.equal(reopened.evidenceCount('o'), 1);
  assert.equal(reopened.log('other'), null);
  reopened.close();
});

test('refuses origins that are not one line and keys that cannot sign checkpoints', () => {
  const store = new SqliteWitnessStore(':memory:');
  for (const origin of ['', 'two\nlines', 'tab\there']) assert.throws(() => pinLog(store, origin, vkey, 0), /origin/);
  assert.throws(() => pinLog(store, 'o', 'Paris+00000000+AAAA', 0), /invalid log key/);
  const cosigner = formatVerifierKey(c, 'w', signerFromSeed(newSeed()).publicKey, 0x04);
  assert.throws(() => pinLog(store, 'o', cosigner, 0), /not a cosigner key/);
  assert.deepEqual(store.logs(), []);
  store.close();
});
