import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../../core/crypto.ts';
import { decodeEntry, verifyEntry } from '../../core/entry.ts';
import { HotlineError } from '../../core/errors.ts';
import { verifyRotation } from '../../core/keys/rotation.ts';
import { KEY_ROTATE } from '../../core/kinds/key.ts';
import { openCheckpoint } from '../../core/log-verifier.ts';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { Appender } from '../appender.ts';
import { createIdentity } from '../identity.ts';
import { checkIntegrity } from '../integrity-check.ts';
import { OwnLogHold } from '../recovery/own-log-hold.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { PENDING_SETTING, recordedRotations, resumeRekey, type RekeyParts } from './rekey.ts';
import { rotateKey } from './rotate.ts';
import { FileKeySource } from './file-key.ts';
import type { RotatableKey } from './rekey.ts';
import { StationKey } from './station-key.ts';

const c = nodeCrypto;
const LINES = ['line-1', 'line-2'];

interface Site {
  dir: string;
  store: SqliteStore;
  keys: FileKeySource;
  key: StationKey;
  appender: Appender;
  parts: RekeyParts & { clock: () => number };
}

/** A station's writing parts on a directory: its key file, its database, its appender (what Station.open assembles). */
async function open(dir: string, wrap: { keys?: (k: RotatableKey) => RotatableKey; store?: (s: Store) => Store } = {}): Promise<Site> {
  const store = new SqliteStore(join(dir, 'station.db'));
  const keys = new FileKeySource(dir, 'Paris', 'station.key');
  const key = new StationKey('Paris', keys.current());
  let now = 1_000_000;
  const clock = () => now++;
  const s = wrap.store ? wrap.store(store) : store;
  const appender = new Appender({ store: s, crypto: c, signer: key, party: 'Paris', clock, hold: new OwnLogHold() });
  await appender.load();
  const parts = { store: s, crypto: c, appender, key, keys: wrap.keys ? wrap.keys(keys) : keys, clock };
  return { dir, store, keys, key, appender, parts };
}

async function station(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-rekey-'));
  const first = createIdentity('Paris', join(dir, 'station.key'));
  const site = await open(dir);
  for (const id of LINES) {
    await site.store.createLine({ id, title: id, parties: [{ name: 'Paris', key: first.vkey }], discreet: false, createdAt: 1, memberIds: [] });
    await site.appender.open(id);
    await site.appender.append({ line: id, kind: 'message', body: { text: 'before' } });
  }
  return site;
}

const vk = (s: Signer): VerifierKey => parseVerifierKey(c, formatVerifierKey(c, 'Paris', s.publicKey));

/** Which of the keys signed each entry of our log on the line, and where its key.rotate entries are. */
async function signers(store: Store, line: string, keys: VerifierKey[]): Promise<{ by: number[]; rotations: number[] }> {
  const log = { line, party: 'Paris' };
  const entries = await store.entries(log, 0, await store.logSize(log));
  const by = entries.map((bytes, seq) => keys.findIndex((k) => {
    try {
      verifyEntry(c, bytes, { line, party: 'Paris', seq, publicKey: k.publicKey });
      return true;
    } catch {
      return false;
    }
  }));
  const rotations = entries.map((b, i) => (decodeEntry(b).kind === KEY_ROTATE ? i : -1)).filter((i) => i >= 0);
  return { by, rotations };
}

test('a rotation ends every own log with key.rotate signed by the old key; sends made meanwhile wait, none fails, and every later entry is the new key\'s', async () => {
  const site = await station();
  try {
    const old = vk(site.key);
    let n = 0;
    const send = () => site.appender.append({ line: LINES[n++ % 2], kind: 'message', body: { text: `m${n}` } });
    // Sends before, during and after: the rotation runs between batches, never inside one.
    const early = Array.from({ length: 20 }, send);
    const rotation = rotateKey(site.parts);
    const during = Array.from({ length: 20 }, send);
    const view = await rotation;
    const late = Array.from({ length: 5 }, send);
    const sent = await Promise.all([...early, ...during, ...late]);
    assert.equal(sent.length, 45, 'every send was acknowledged');

    const next = vk(site.key);
    assert.notDeepEqual(next.publicKey, old.publicKey, 'the station signs with a new key');
    assert.equal(view.new, site.key.vkey);
    assert.equal(view.old, formatVerifierKey(c, 'Paris', old.publicKey));
    assert.deepEqual(view.positions.map((p) => p.line).sort(), LINES);
    assert.equal(verifyRotation(c, view.statement, old).new.name, 'Paris');

    for (const line of LINES) {
      const { by, rotations } = await signers(site.store, line, [old, next]);
      const at = view.positions.find((p) => p.line === line)!.seq;
      assert.deepEqual(rotations, [at], 'one key.rotate entry, where the view says');
      assert.ok(by.slice(0, at + 1).every((k) => k === 0), 'the old key signed everything up to the key.rotate entry, itself included');
      assert.ok(by.slice(at + 1).every((k) => k === 1), 'nothing of ours comes between the key.rotate entry and the switch: every later entry is the new key\'s');
      assert.ok(by.length > at + 1, 'sends went on after the rotation');
      // The checkpoint of the size ending in key.rotate is the old key's (it signed the entry before it).
      const cp = await site.store.checkpoint({ line, party: 'Paris' }, at + 1);
      assert.ok(cp, 'the rotation was its own batch, checkpointed at its end');
      openCheckpoint(c, { line, party: 'Paris', key: old }, cp.note, [old]);
      assert.throws(() => openCheckpoint(c, { line, party: 'Paris', key: next }, cp.note, [next]));
    }
    // The whole record verifies, following the key through the rotation.
    assert.deepEqual((await checkIntegrity(site.store, c, 'Paris')).logs, 2);
    // The old key is kept, retired; the new one is station.key.
    assert.ok(existsSync(join(site.dir, 'station.key.retired-1')));
    assert.ok(!existsSync(join(site.dir, 'station.next.key')));
    assert.match(readFileSync(join(site.dir, 'station.key'), 'utf8'), /^PRIVATE\+KEY\+Paris\+/);
    assert.equal(await site.store.setting(PENDING_SETTING), null);
    assert.equal((await recordedRotations(site.store)).length, 1);
    assert.deepEqual(site.key.rotations, [view.statement]);
    assert.deepEqual(site.key.known(), [formatVerifierKey(c, 'Paris', old.publicKey), site.key.vkey]);

    // A second rotation goes on from the new key.
    const again = await rotateKey(site.parts);
    assert.equal(again.old, view.new);
    assert.ok(existsSync(join(site.dir, 'station.key.retired-2')));
    assert.equal((await checkIntegrity(site.store, c, 'Paris')).logs, 2);
  } finally {
    await site.store.close();
    rmSync(site.dir, { recursive: true, force: true });
  }
});

test('a rotation is refused with 409 while another key change is under way', async () => {
  const site = await station();
  try {
    const [a, b] = await Promise.allSettled([rotateKey(site.parts), rotateKey(site.parts)]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.ok((b as PromiseRejectedResult).reason instanceof HotlineError && (b as PromiseRejectedResult).reason.code === 'conflict');
    await site.store.setSetting(PENDING_SETTING, { kind: KEY_ROTATE, body: {}, key: 'x', at: {} });
    await assert.rejects(rotateKey(site.parts), (e) => e instanceof HotlineError && e.code === 'conflict');
  } finally {
    await site.store.close();
    rmSync(site.dir, { recursive: true, force: true });
  }
});

test('a crash after the key.rotate entries are stored and before the switch: the restart switches before signing anything', async () => {
  const site = await station();
  const dir = site.dir;
  try {
    const old = vk(site.key);
    // The process "dies" in activate(): the entries are on disk, the new key is station.next.key, the pending change is recorded.
    const dying = await open(dir, { keys: (k) => ({ where: k.where, current: () => k.current(), next: () => k.next(), generate: () => k.generate(), activate: () => { throw new Error('killed'); } }) });
    await site.store.close();
    await assert.rejects(rotateKey(dying.parts), /killed/);
    assert.ok(await dying.store.setting(PENDING_SETTING), 'the change is recorded as under way');
    assert.ok(existsSync(join(dir, 'station.next.key')));
    await dying.store.close();

    const restarted = await open(dir);
    assert.deepEqual(vk(restarted.key).publicKey, old.publicKey, 'station.key is still the old key');
    const positions = await resumeRekey(restarted.parts);
    assert.deepEqual(positions?.map((p) => p.line).sort(), LINES, 'nothing rewritten: the entries were there');
    const next = vk(restarted.key);
    assert.notDeepEqual(next.publicKey, old.publicKey, 'switched to the new key');
    assert.equal(await restarted.store.setting(PENDING_SETTING), null);
    await restarted.appender.append({ line: 'line-1', kind: 'message', body: { text: 'after' } });
    const { by, rotations } = await signers(restarted.store, 'line-1', [old, next]);
    assert.equal(rotations.length, 1, 'one key.rotate entry');
    assert.deepEqual(by.slice(rotations[0] + 1), [1], 'the entry after it is the new key\'s');
    assert.equal((await checkIntegrity(restarted.store, c, 'Paris')).logs, 2);
    assert.ok(existsSync(join(dir, 'station.key.retired-1')));
    assert.equal(await resumeRekey(restarted.parts), undefined, 'nothing left to finish');
    await restarted.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash after the change is recorded as pending and before its entries are stored: the restart writes them, then switches', async () => {
  const site = await station();
  const dir = site.dir;
  try {
    const old = vk(site.key);
    await site.store.close();
    // The commit of the key.rotate entries never happens (the process died before it).
    const dying = await open(dir, { store: (s) => Object.assign(Object.create(s) as Store, { commit: async () => { throw new Error('killed'); } }) });
    await assert.rejects(rotateKey(dying.parts), /killed/);
    assert.deepEqual(vk(dying.key).publicKey, old.publicKey, 'still signing with the old key');
    await dying.store.close();

    const restarted = await open(dir);
    const positions = await resumeRekey(restarted.parts);
    assert.deepEqual(positions?.map((p) => [p.line, p.seq]).sort(), [['line-1', 1], ['line-2', 1]], 'the entries written where they were missing');
    const next = vk(restarted.key);
    assert.notDeepEqual(next.publicKey, old.publicKey);
    for (const line of LINES) {
      const { by, rotations } = await signers(restarted.store, line, [old, next]);
      assert.deepEqual(rotations, [1]);
      assert.deepEqual(by, [0, 0]);
    }
    await restarted.appender.append({ line: 'line-2', kind: 'message', body: { text: 'after' } });
    assert.deepEqual((await signers(restarted.store, 'line-2', [old, next])).by, [0, 0, 1]);
    assert.equal((await checkIntegrity(restarted.store, c, 'Paris')).logs, 2);
    await restarted.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
