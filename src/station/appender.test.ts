import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Signer } from '../core/crypto.ts';
import { HotlineError } from '../core/errors.ts';
import { parseCheckpoint } from '../core/note/checkpoint.ts';
import { parseNote } from '../core/note/note.ts';
import { nodeCrypto } from '../node/crypto.ts';
import { Appender } from './appender.ts';
import { createIdentity } from './identity.ts';
import { checkIntegrity } from './integrity-check.ts';
import { OwnLogHold } from './recovery/own-log-hold.ts';
import { SqliteStore } from './storage/sqlite/sqlite-store.ts';

const text = new TextDecoder();

/** A signer that records the checkpoint texts it signed. */
function recording(signer: Signer): { signer: Signer; checkpoints: string[] } {
  const checkpoints: string[] = [];
  return {
    checkpoints,
    signer: {
      publicKey: signer.publicKey,
      sign: (message) => {
        const t = text.decode(message);
        if (t.startsWith('hotline/line/')) checkpoints.push(t);
        return signer.sign(message);
      },
    },
  };
}

test('a writer whose view of the log is stale signs nothing for a tree it did not store, and its append goes on from the stored head', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-appender-'));
  const store = new SqliteStore(join(dir, 'station.db'));
  try {
    const identity = createIdentity('Paris', join(dir, 'station.key'));
    await store.createLine({ id: 'line-1', title: 'line-1', parties: [{ name: 'Paris', key: identity.vkey }], discreet: false, createdAt: 1, memberIds: [] });
    let now = 1000;
    const writer = (signer: Signer) => new Appender({ store, crypto: nodeCrypto, signer, party: 'Paris', clock: () => now++, hold: new OwnLogHold() });
    // Two writers of one log, as two replicas that both believe they lead.
    const first = writer(identity.signer);
    const stale = recording(identity.signer);
    const second = writer(stale.signer);
    await first.open('line-1');
    await first.append({ line: 'line-1', kind: 'message', body: { text: 'one' } });
    await second.load();
    assert.equal(second.size('line-1'), 1);
    await first.append({ line: 'line-1', kind: 'message', body: { text: 'two' } });
    stale.checkpoints.length = 0;

    // The second writer still thinks the log holds one entry. Its commit loses to the stored head, nothing is signed
    // for the tree it would have made, and the request goes round once more from the stored head: entry 2.
    const forked = await second.append({ line: 'line-1', kind: 'message', body: { text: 'fork' } });
    assert.equal(forked.seq, 2);
    const log = { line: 'line-1', party: 'Paris' };
    assert.equal(text.decode((await store.entries(log, 1, 2))[0]).includes('"two"'), true, 'the stored entry 1 stays');
    assert.equal(text.decode((await store.entries(log, 2, 3))[0]).includes('"fork"'), true);
    assert.equal(stale.checkpoints.length, 1, 'one checkpoint signed: for the tree that was stored');
    assert.equal(parseCheckpoint(stale.checkpoints[0]).size, 3);

    // Its head is the stored one: the next append is entry 3, and the record is whole.
    const next = await second.append({ line: 'line-1', kind: 'message', body: { text: 'three' } });
    assert.equal(next.seq, 3);
    assert.equal(second.size('line-1'), 4);
    const latest = (await store.latestCheckpoint(log))!;
    assert.equal(parseCheckpoint(parseNote(latest.note).text).size, 4);
    assert.deepEqual(await checkIntegrity(store, nodeCrypto, 'Paris'), { logs: 1, entries: 4 });

    // Opening a log someone else already wrote signs no size-0 checkpoint over it either.
    const late = recording(identity.signer);
    const third = writer(late.signer);
    await third.open('line-1');
    assert.deepEqual(late.checkpoints, []);
    assert.equal(third.size('line-1'), 4);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('appends on a held line wait for its release, and are refused with 503 while it recovers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-appender-'));
  const store = new SqliteStore(join(dir, 'station.db'));
  try {
    const identity = createIdentity('Paris', join(dir, 'station.key'));
    await store.createLine({ id: 'line-1', title: 'line-1', parties: [{ name: 'Paris', key: identity.vkey }], discreet: false, createdAt: 1, memberIds: [] });
    const hold = new OwnLogHold();
    const appender = new Appender({ store, crypto: nodeCrypto, signer: identity.signer, party: 'Paris', clock: () => 1000, hold });
    await appender.open('line-1');
    hold.wait('line-1');
    let done = false;
    const waiting = appender.append({ line: 'line-1', kind: 'message', body: { text: 'held' } }).then((a) => ((done = true), a));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false, 'an append waits while the line is held');
    await hold.release('line-1');
    assert.equal((await waiting).seq, 0);

    hold.refuse('line-1', 'recovering this station\'s log of line line-1 from peer Rome');
    await assert.rejects(appender.append({ line: 'line-1', kind: 'message', body: { text: 'no' } }), (e) => {
      assert.ok(e instanceof HotlineError && e.code === 'unavailable' && e.status === 503);
      assert.match(e.message, /recovering this station's log of line line-1 from peer Rome/);
      assert.equal(e.details?.retryAfter, 2);
      return true;
    });
    await hold.release('line-1');
    assert.equal((await appender.append({ line: 'line-1', kind: 'message', body: { text: 'yes' } })).seq, 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
