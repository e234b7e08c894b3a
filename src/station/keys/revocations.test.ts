import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRevocation } from '../../core/keys/revocation.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import { newSeed, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { fingerprint } from '../identity.ts';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';
import { normalFingerprint, revokePeerKey } from './revocation-peer.ts';
import { knownRevocations, OFFERED_SETTING, recordRevocation, REVOCATIONS_SETTING } from './revocations.ts';

// The records a station keeps of revoked keys, and how a peer's operators
// confirm the replacement: real SQLite on disk, real Ed25519 keys.

function keyOf(name: string) {
  const signer = signerFromSeed(newSeed());
  return { signer, vkey: formatVerifierKey(c, name, signer.publicKey) };
}

async function withStore(run: (store: Store) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-revocations-'));
  const store = await openStore(dir, { database: 'station.db' });
  try {
    await run(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const by = { actor: 'root', clock: () => 1_000 };
const code = (want: string, pattern: RegExp) => (e: { code?: string; message?: string }) => e.code === want && pattern.test(e.message ?? '');

test('a revocation is recorded once per key: the compromise time only moves earlier, and a confirmed replacement is never swapped', async () => {
  await withStore(async (store) => {
    const old = keyOf('Moscow');
    const next = keyOf('Moscow');
    const thief = keyOf('Moscow');
    // A published statement first: no replacement.
    let r = await recordRevocation(c, store, { party: 'Moscow', key: old.vkey, compromisedAt: 500 });
    assert.deepEqual(r.record, { party: 'Moscow', key: old.vkey, compromisedAt: 500 });
    // The operators then confirm the new key, with a later time: the replacement is added, the time stays the earlier one.
    r = await recordRevocation(c, store, { party: 'Moscow', key: old.vkey, compromisedAt: 800, replacement: next.vkey });
    assert.deepEqual(r.record, { party: 'Moscow', key: old.vkey, compromisedAt: 500, replacement: next.vkey });
    // An earlier time moves it.
    r = await recordRevocation(c, store, { party: 'Moscow', key: old.vkey, compromisedAt: 100, replacement: next.vkey });
    assert.equal(r.record.compromisedAt, 100);
    // The same again changes nothing.
    assert.equal((await recordRevocation(c, store, { party: 'Moscow', key: old.vkey, compromisedAt: 100 })).changed, false);
    // A second replacement is what a thief would try.
    await assert.rejects(recordRevocation(c, store, { party: 'Moscow', key: old.vkey, compromisedAt: 100, replacement: thief.vkey }), code('conflict', /another replacement/));
    assert.equal((await knownRevocations(store)).length, 1);
    // Keys must name the party, and a key cannot replace itself.
    await assert.rejects(recordRevocation(c, store, { party: 'Kyiv', key: old.vkey, compromisedAt: 1 }), code('bad_request', /named Moscow, not Kyiv/));
    await assert.rejects(recordRevocation(c, store, { party: 'Moscow', key: next.vkey, compromisedAt: 1, replacement: next.vkey }), code('bad_request', /replace itself/));
    // A malformed row in the setting is skipped, not fatal.
    await store.setSetting(REVOCATIONS_SETTING, [...(await knownRevocations(store)), { party: 'X', key: 7 }]);
    assert.equal((await knownRevocations(store)).length, 1);
  });
});

test('the fingerprint read aloud picks the offered key; a wrong one, none offered, an unknown party or nothing to go on are refused with reasons', async () => {
  await withStore(async (store) => {
    const old = keyOf('Moscow');
    const next = keyOf('Moscow');
    await store.setPeer({ name: 'Moscow', key: old.vkey, urls: ['wss://127.0.0.1:1/link'] });
    const heard = fingerprint(next.vkey);

    assert.equal(normalFingerprint(heard.replace(/ /g, '-')), heard);
    assert.throws(() => normalFingerprint('12345 678'), code('bad_request', /six groups of five digits/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1, fingerprint: '1234' }, by), code('bad_request', /six groups/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Kyiv', { compromisedAt: 1, fingerprint: heard }, by), code('not_found', /Kyiv is not pinned/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Washington', { compromisedAt: 1, fingerprint: heard }, by), code('bad_request', /our own station/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1 }, by), code('bad_request', /give the new key/));
    // Nothing offered yet: the new key has not dialled in.
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1, fingerprint: heard }, by), code('conflict', /has not dialled in under a new key/));
    // Offered, but the fingerprint read aloud is not its fingerprint.
    await store.setSetting(OFFERED_SETTING, { Moscow: { key: keyOf('Moscow').vkey, at: 5 } });
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1, fingerprint: heard }, by), code('conflict', /not the one read aloud/));
    assert.deepEqual(await knownRevocations(store), []);
    assert.equal((await store.listPeers())[0].key, old.vkey);
    // A key given whole that names another party, or whose fingerprint is not the one heard.
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1, key: keyOf('Kyiv').vkey }, by), code('bad_request', /belongs to Kyiv/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 1, key: keyOf('Moscow').vkey, fingerprint: heard }, by), code('bad_request', /not the one read aloud/));

    // The right one: recorded, and the pin moves to it.
    await store.setSetting(OFFERED_SETTING, { Moscow: { key: next.vkey, at: 6 } });
    const done = await revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 700, fingerprint: heard }, by);
    assert.deepEqual(done.record, { party: 'Moscow', key: old.vkey, compromisedAt: 700, replacement: next.vkey });
    assert.equal(done.changed, true);
    assert.deepEqual((await store.listPeers())[0], { name: 'Moscow', key: next.vkey, urls: ['wss://127.0.0.1:1/link'] });
    assert.match((await store.securityEvents({ limit: 10 })).at(-1)!.detail, /Moscow's key .* revoked, .* key changed to /);
    // Asked again (the pin is the replacement now): the same record, nothing changed.
    const again = await revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 700, fingerprint: heard }, by);
    assert.equal(again.changed, false);
    assert.deepEqual(again.record, done.record);
    // The revoked key can never come back as a replacement.
    await store.setSetting(OFFERED_SETTING, { Moscow: { key: old.vkey, at: 7 } });
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Moscow', { compromisedAt: 700, fingerprint: fingerprint(old.vkey) }, by), code('conflict', /itself revoked/));
  });
});

test('a published revocation statement alone revokes the pinned key without a replacement; one for another key or party is refused', async () => {
  await withStore(async (store) => {
    const old = keyOf('Kyiv');
    const other = keyOf('Kyiv');
    await store.setPeer({ name: 'Kyiv', key: old.vkey, urls: [] });
    const statement = signRevocation(c, 'Kyiv', old.vkey, old.signer);
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Kyiv', { compromisedAt: 1, statement: signRevocation(c, 'Kyiv', other.vkey, other.signer) }, by), code('conflict', /pinned here with/));
    await store.setPeer({ name: 'Paris', key: keyOf('Paris').vkey, urls: [] });
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Paris', { compromisedAt: 1, statement }, by), code('bad_request', /revokes Kyiv's key, not Paris's/));
    // Not signed by the key it names: bad input (400), never a 500.
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Kyiv', { compromisedAt: 1, statement: statement.replace(old.vkey, other.vkey) }, by), code('bad_request', /not signed by that key/));
    await assert.rejects(revokePeerKey(c, store, 'Washington', 'Kyiv', { compromisedAt: 1, statement: 'not a statement' }, by), code('bad_request', /signed note/));
    const done = await revokePeerKey(c, store, 'Washington', 'Kyiv', { compromisedAt: 42, statement }, by);
    assert.deepEqual(done.record, { party: 'Kyiv', key: old.vkey, compromisedAt: 42 });
    assert.equal(done.peer.key, old.vkey, 'the pin stays until a replacement is confirmed');
  });
});
