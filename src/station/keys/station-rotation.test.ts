import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { KEY_ROTATE } from '../../core/kinds/key.ts';
import { createStation } from '../create.ts';
import { Station } from '../station.ts';
import { PENDING_SETTING } from './rekey.ts';
import { rotateKey } from './rotate.ts';

// The station as assembled (Station.open → lead): a rotation survives a restart, an
// interrupted one is finished before anything is written, and an old key file never signs after a rotation.

async function opened(dir: string): Promise<Station> {
  return Station.open(dir, { check: true });
}

test('a station opens with its rotated key, knows every key it signed with, and will not write with a key file from before its last rotation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-station-rotation-'));
  try {
    const first = (await createStation(dir, 'Oslo', '127.0.0.1:0')).vkey;
    let station = await opened(dir);
    await station.store.createLine({ id: 'line-l', title: 'l', parties: [{ name: 'Oslo', key: first }], discreet: false, createdAt: 1, memberIds: [] });
    await station.appender.open('line-l');
    await station.appender.append({ line: 'line-l', kind: 'message', body: { text: 'before' } });
    const view = await rotateKey({ ...station.rekeyParts()!, clock: station.clock, dir });
    assert.equal(station.identity.vkey, view.new, 'identity.vkey follows the switch');
    await station.appender.append({ line: 'line-l', kind: 'message', body: { text: 'after' } });
    await station.close();

    // Restarted: the start-up check follows the rotation, and the station signs with the new key.
    station = await opened(dir);
    assert.equal(station.identity.vkey, view.new);
    assert.deepEqual(station.identity.signer.known(), [first, view.new]);
    assert.deepEqual(station.identity.signer.rotations, [view.statement]);
    await station.close();

    // The retired key put back as station.key (an old copy): the station refuses to write with it.
    copyFileSync(join(dir, 'station.key.retired-1'), join(dir, 'station.key'));
    chmodSync(join(dir, 'station.key'), 0o600);
    await assert.rejects(opened(dir), (e) => e instanceof HotlineError && e.code === 'integrity' && /rotated to another key/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a station stopped in the middle of a rotation finishes it when it opens, before anything else is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-station-rotation-'));
  try {
    const first = (await createStation(dir, 'Oslo', '127.0.0.1:0')).vkey;
    let station = await opened(dir);
    await station.store.createLine({ id: 'line-l', title: 'l', parties: [{ name: 'Oslo', key: first }], discreet: false, createdAt: 1, memberIds: [] });
    await station.appender.open('line-l');
    // The rotation got as far as its pending record (the process died before the entries).
    const store = station.store as { commit: unknown };
    const commit = store.commit;
    store.commit = async () => {
      throw new Error('killed');
    };
    await assert.rejects(rotateKey({ ...station.rekeyParts()!, clock: station.clock }), /killed/);
    store.commit = commit;
    assert.ok(await station.store.setting(PENDING_SETTING));
    await station.close();

    station = await opened(dir);
    assert.notEqual(station.identity.vkey, first, 'the restart switched to the new key');
    assert.equal(await station.store.setting(PENDING_SETTING), null);
    const entries = await station.store.entries({ line: 'line-l', party: 'Oslo' }, 0, 10);
    assert.equal(entries.length, 1);
    assert.match(new TextDecoder().decode(entries[0]), new RegExp(`"kind":"${KEY_ROTATE}"`));
    const next = await station.appender.append({ line: 'line-l', kind: 'message', body: { text: 'after' } });
    assert.equal(next.seq, 1);
    await station.close();
    // And it opens again, the record verifying from the first key through the rotation.
    await (await opened(dir)).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
