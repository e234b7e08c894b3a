import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';

// The one suite every storage adapter must pass (hono's common.case.test
// pattern): call runStoreSuite from each adapter's own test file.

const bytes = (...xs: number[]) => new Uint8Array(xs);
const hash = (n: number) => new Uint8Array(32).fill(n);

export function runStoreSuite(name: string, open: () => Promise<{ store: Store; reopen?: () => Promise<Store>; cleanup: () => Promise<void> }>) {
  const withStore = (title: string, fn: (store: Store, reopen?: () => Promise<Store>) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const { store, reopen, cleanup } = await open();
      try {
        await fn(store, reopen);
      } finally {
        await store.close();
        await cleanup();
      }
    });

  withStore('members are added, found, listed and updated', async (store) => {
    const m = await store.addMember({ name: 'alice', role: 'admin', passwordHash: 'h', createdAt: 1, disabled: false });
    assert.equal((await store.memberByName('alice'))?.id, m.id);
    assert.equal((await store.memberById(m.id))?.name, 'alice');
    assert.equal(await store.memberByName('bob'), null);
    await store.updateMember(m.id, { role: 'auditor', disabled: true });
    const again = await store.memberById(m.id);
    assert.equal(again?.role, 'auditor');
    assert.equal(again?.disabled, true);
    await assert.rejects(store.addMember({ name: 'alice', role: 'admin', passwordHash: 'h', createdAt: 1, disabled: false }));
    assert.equal((await store.listMembers()).length, 1);
  });

  withStore('credentials are stored by hash and removed', async (store) => {
    const m = await store.addMember({ name: 'a', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    await store.addCredential(hash(1), { memberId: m.id, kind: 'token', label: 'ci', createdAt: 5, expiresAt: null });
    assert.deepEqual(await store.credential(hash(1)), { memberId: m.id, kind: 'token', label: 'ci', createdAt: 5, expiresAt: null, lastUsedAt: null });
    assert.equal(await store.credential(hash(2)), null);
    await store.touchCredential(hash(1), 9);
    assert.equal((await store.credential(hash(1)))?.lastUsedAt, 9);
    await store.addCredential(hash(3), { memberId: m.id, kind: 'session', label: 'login', createdAt: 6, expiresAt: 100 });
    assert.deepEqual((await store.credentials(m.id)).map((c) => [c.label, c.tokenHash[0]]), [['ci', 1], ['login', 3]]);
    assert.equal((await store.credentials()).length, 2);
    assert.deepEqual(await store.credentials(m.id + 1), []);
    await store.removeCredential(hash(1));
    assert.equal(await store.credential(hash(1)), null);
  });

  withStore('two members added with one name: one wins, the other is a conflict', async (store) => {
    const add = () => store.addMember({ name: 'same', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    const results = await Promise.allSettled([add(), add(), add()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'conflict');
  });

  withStore('a lockout is kept on the member until cleared', async (store) => {
    const m = await store.addMember({ name: 'a', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    assert.equal((await store.memberById(m.id))?.lockedUntil, null);
    await store.updateMember(m.id, { lockedUntil: 500 });
    assert.equal((await store.memberByName('a'))?.lockedUntil, 500);
    await store.updateMember(m.id, { lockedUntil: null });
    assert.equal((await store.memberById(m.id))?.lockedUntil, null);
  });

  withStore('second factors: a TOTP secret whose step only moves forward, passkeys, recovery codes used once', async (store) => {
    const m = await store.addMember({ name: 'a', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    assert.equal(await store.totp(m.id), null);
    await store.setTotp(m.id, { secret: 'JBSWY3DPEHPK3PXP', confirmedAt: null, lastStep: 0 });
    await store.setTotp(m.id, { secret: 'JBSWY3DPEHPK3PXP', confirmedAt: 7, lastStep: 0 });
    assert.deepEqual(await store.totp(m.id), { secret: 'JBSWY3DPEHPK3PXP', confirmedAt: 7, lastStep: 0 });
    assert.equal(await store.advanceTotpStep(m.id, 10), true);
    assert.equal(await store.advanceTotpStep(m.id, 10), false, 'the same step twice');
    assert.equal(await store.advanceTotpStep(m.id, 9), false, 'an earlier step');
    assert.equal((await store.totp(m.id))?.lastStep, 10);
    await store.setTotp(m.id, null);
    assert.equal(await store.totp(m.id), null);

    const key = { id: 'cred-1', memberId: m.id, publicKey: bytes(1, 2, 3), counter: 0, transports: ['internal'], label: 'laptop', createdAt: 3, lastUsedAt: null };
    await store.addPasskey(key);
    assert.deepEqual(await store.passkeys(m.id), [key]);
    await store.passkeyUsed('cred-1', 5, 40);
    assert.deepEqual((await store.passkeys(m.id)).map((k) => [k.counter, k.lastUsedAt]), [[5, 40]]);
    assert.equal(await store.removePasskey(m.id + 1, 'cred-1'), false, "another member's passkey");
    assert.equal(await store.removePasskey(m.id, 'cred-1'), true);
    assert.deepEqual(await store.passkeys(m.id), []);

    await store.setRecoveryCodes(m.id, [hash(1), hash(2)]);
    assert.equal(await store.recoveryCodesLeft(m.id), 2);
    assert.equal(await store.useRecoveryCode(m.id, hash(1)), true);
    assert.equal(await store.useRecoveryCode(m.id, hash(1)), false, 'a code works once');
    assert.equal(await store.recoveryCodesLeft(m.id), 1);
    await store.setRecoveryCodes(m.id, [hash(3)]);
    assert.equal(await store.useRecoveryCode(m.id, hash(2)), false, 'replaced codes are gone');
    assert.equal(await store.recoveryCodesLeft(m.id), 1);
  });

  withStore('an alarm is raised once per cause, cleared once, and its first acknowledgement stands', async (store, reopen) => {
    const raised = await store.raiseAlarm({ key: 'message|ln|Moscow:3', kind: 'flash', line: 'ln', raisedAt: 1000, subject: { item: 'Moscow:3', party: 'Moscow', precedence: 'FLASH' } });
    assert.ok(raised && raised.id > 0);
    assert.deepEqual([raised.ackedBy, raised.clearedAt, raised.subject.item], [null, null, 'Moscow:3']);
    assert.equal(await store.raiseAlarm({ key: 'message|ln|Moscow:3', kind: 'flash', line: 'ln', raisedAt: 2000, subject: {} }), null, 'the same cause again');
    const link = await store.raiseAlarm({ key: 'link|Moscow|1500', kind: 'link', line: null, raisedAt: 1500, subject: { party: 'Moscow', detail: { status: 'down' } } });
    assert.deepEqual((await store.alarms({ open: true, limit: 10 })).map((a) => a.kind), ['link', 'flash'], 'newest first');
    const acked = await store.acknowledgeAlarm(raised.id, { by: 'duty', at: 3000 });
    assert.deepEqual([acked?.ackedBy, acked?.ackedAt], ['duty', 3000]);
    const again = await store.acknowledgeAlarm(raised.id, { by: 'other', at: 4000 });
    assert.deepEqual([again?.ackedBy, again?.ackedAt], ['duty', 3000], 'the first acknowledgement stands');
    assert.equal(await store.acknowledgeAlarm(999_999, { by: 'duty', at: 1 }), null);
    const cleared = await store.clearAlarm('link|Moscow|1500', { at: 1600, why: 'up', by: null });
    assert.deepEqual([cleared?.clearedAt, cleared?.clearedWhy], [1600, 'up']);
    assert.equal(await store.clearAlarm('link|Moscow|1500', { at: 1700, why: 'up', by: null }), null, 'cleared once');
    assert.equal(await store.clearAlarm('nothing', { at: 1, why: 'up', by: null }), null);
    assert.deepEqual(await store.alarms({ open: true, limit: 10 }), []);
    assert.equal((await store.alarms({ limit: 10 })).length, 2);
    assert.equal((await store.alarm(link!.id))?.clearedWhy, 'up');
    if (reopen) {
      await store.close();
      const reopened = await reopen();
      try {
        assert.equal((await reopened.alarm(raised.id))?.ackedBy, 'duty', 'alarms outlive the process');
      } finally {
        await reopened.close();
      }
    }
  });

  withStore('the security log keeps events in order and reads them from a time', async (store, reopen) => {
    for (let i = 0; i < 5; i++) await store.addSecurityEvent({ time: 100 + i, kind: 'login.failed', member: 'a', actor: null, address: '127.0.0.1', detail: `try ${i}` });
    const all = await store.securityEvents({ limit: 100 });
    assert.deepEqual(all.map((e) => e.detail), ['try 0', 'try 1', 'try 2', 'try 3', 'try 4']);
    assert.ok(all.every((e, i) => i === 0 || e.id > all[i - 1].id));
    assert.deepEqual((await store.securityEvents({ since: 103, limit: 100 })).map((e) => e.time), [103, 104]);
    assert.equal((await store.securityEvents({ limit: 2 })).length, 2);
    await store.setSetting('security_policy', { idleMinutes: 5 });
    assert.deepEqual(await store.setting('security_policy'), { idleMinutes: 5 });
    assert.equal(await store.setting('nothing'), null);
    if (reopen) {
      await store.close();
      const again = await reopen();
      try {
        assert.equal((await again.securityEvents({ limit: 100 })).length, 5);
        assert.deepEqual(await again.setting('security_policy'), { idleMinutes: 5 });
      } finally {
        await again.close();
      }
    }
  });

  withStore('lines keep their definition and members', async (store) => {
    const a = await store.addMember({ name: 'a', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    const b = await store.addMember({ name: 'b', role: 'principal', passwordHash: 'h', createdAt: 1, disabled: false });
    const line = { id: 'ln-1', title: 'T', parties: [{ name: 'P', key: 'P+00000000+AQ==' }], discreet: true, createdAt: 7, memberIds: [a.id] };
    await store.createLine(line);
    assert.deepEqual(await store.line('ln-1'), line);
    await store.setLineMembers('ln-1', [a.id, b.id]);
    assert.deepEqual((await store.line('ln-1'))?.memberIds, [a.id, b.id]);
    assert.equal(await store.line('nope'), null);
    assert.equal((await store.listLines()).length, 1);
    await assert.rejects(store.createLine(line));
  });

  withStore('a commit stores entries, nodes and checkpoints together', async (store, reopen) => {
    const log = { line: 'ln-1', party: 'P' };
    assert.equal(await store.logSize(log), 0);
    await store.commit({ entries: [], checkpoints: [{ ...log, size: 0, note: 'cp0' }] });
    assert.equal((await store.latestCheckpoint(log))?.note, 'cp0');
    await store.commit({
      entries: [
        { ...log, seq: 0, bytes: bytes(1), nodes: [{ level: 0, index: 0, hash: hash(10) }] },
        { ...log, seq: 1, bytes: bytes(2), nodes: [{ level: 0, index: 1, hash: hash(11) }, { level: 1, index: 0, hash: hash(20) }] },
      ],
      checkpoints: [{ ...log, size: 2, note: 'cp2' }],
    });
    assert.equal(await store.logSize(log), 2);
    assert.deepEqual(await store.entries(log, 0, 5), [bytes(1), bytes(2)]);
    assert.deepEqual(await store.entries(log, 1, 2), [bytes(2)]);
    const nodes = await store.nodes(log, [{ level: 1, index: 0 }, { level: 0, index: 1 }, { level: 3, index: 0 }]);
    assert.deepEqual(nodes.get('1/0'), hash(20));
    assert.deepEqual(nodes.get('0/1'), hash(11));
    assert.equal(nodes.has('3/0'), false);
    assert.deepEqual(await store.nodeRange(log, 0, 0, 2), [hash(10), hash(11)]);
    assert.equal((await store.latestCheckpoint(log))?.size, 2);
    assert.equal((await store.checkpoint(log, 0))?.note, 'cp0');
    assert.equal((await store.checkpointAtMost(log, 1))?.note, 'cp0');
    assert.equal((await store.checkpointAtMost(log, 9))?.note, 'cp2');
    assert.deepEqual(await store.logs(), [{ ...log, size: 2 }]);
    if (reopen) {
      await store.close();
      const again = await reopen();
      try {
        assert.equal(await again.logSize(log), 2);
        assert.equal((await again.latestCheckpoint(log))?.note, 'cp2');
      } finally {
        await again.close();
      }
    }
  });

  withStore('a failed commit writes nothing', async (store) => {
    const log = { line: 'ln-1', party: 'P' };
    await store.commit({ entries: [{ ...log, seq: 0, bytes: bytes(1), nodes: [{ level: 0, index: 0, hash: hash(1) }] }], checkpoints: [] });
    // seq 0 again violates the log's uniqueness: the whole commit must roll back.
    await assert.rejects(store.commit({
      entries: [
        { ...log, seq: 1, bytes: bytes(2), nodes: [{ level: 0, index: 1, hash: hash(2) }] },
        { ...log, seq: 0, bytes: bytes(3), nodes: [] },
      ],
      checkpoints: [{ ...log, size: 2, note: 'bad' }],
    }));
    assert.equal(await store.logSize(log), 1);
    assert.deepEqual(await store.entries(log, 0, 10), [bytes(1)]);
    assert.equal(await store.latestCheckpoint(log), null);
  });

  withStore('logs are kept apart by line and party', async (store) => {
    const a = { line: 'ln-1', party: 'A' };
    const b = { line: 'ln-1', party: 'B' };
    const c = { line: 'ln-2', party: 'A' };
    await store.commit({
      entries: [a, b, c].map((log, i) => ({ ...log, seq: 0, bytes: bytes(i), nodes: [{ level: 0, index: 0, hash: hash(i) }] })),
      checkpoints: [],
    });
    assert.deepEqual(await store.entries(b, 0, 1), [bytes(1)]);
    assert.deepEqual(await store.entries(c, 0, 1), [bytes(2)]);
    assert.deepEqual(await store.entries({ line: 'ln-3', party: 'A' }, 0, 1), []);
  });

  withStore('peers are pinned, updated and removed', async (store) => {
    await store.setPeer({ name: 'Moscow', key: 'k1', urls: ['wss://a', 'wss://b'] });
    await store.setPeer({ name: 'Moscow', key: 'k2', urls: ['wss://c'] });
    await store.setPeer({ name: 'Kyiv', key: 'k3', urls: [] });
    assert.deepEqual(await store.listPeers(), [{ name: 'Kyiv', key: 'k3', urls: [] }, { name: 'Moscow', key: 'k2', urls: ['wss://c'] }]);
    await store.removePeer('Kyiv');
    assert.equal((await store.listPeers()).length, 1);
  });

  withStore('cosignatures are kept per log, size and cosigner; receipts are the largest size', async (store) => {
    const log = { line: 'ln-1', party: 'A' };
    await store.addCosignatures([
      { ...log, size: 2, cosigner: 'B', timestamp: 10, signature: 's1' },
      { ...log, size: 5, cosigner: 'B', timestamp: 11, signature: 's2' },
      { ...log, size: 3, cosigner: 'W', timestamp: 12, signature: 's3' },
      { ...log, size: 5, cosigner: 'B', timestamp: 11, signature: 's2' },
    ]);
    assert.equal((await store.cosignatures(log)).length, 3);
    assert.deepEqual((await store.cosignatures(log, 5)).map((c) => c.signature), ['s2']);
    assert.deepEqual([...(await store.cosignedSizes(log))].sort(), [['B', 5], ['W', 3]]);
    assert.deepEqual(await store.cosignedSizes({ line: 'ln-1', party: 'Z' }), new Map());
  });

  withStore('a peer pin keeps its ML-DSA key, and a pin without one has none', async (store) => {
    await store.setPeer({ name: 'Moscow', key: 'k1', urls: ['wss://a'], pqKey: 'pq1' });
    await store.setPeer({ name: 'Kyiv', key: 'k3', urls: [] });
    assert.deepEqual(await store.listPeers(), [{ name: 'Kyiv', key: 'k3', urls: [] }, { name: 'Moscow', key: 'k1', urls: ['wss://a'], pqKey: 'pq1' }]);
    // Re-pinning replaces the whole pin: a pin given without an ML-DSA key drops the old one.
    await store.setPeer({ name: 'Moscow', key: 'k2', urls: ['wss://a'] });
    assert.deepEqual((await store.listPeers()).find((p) => p.name === 'Moscow'), { name: 'Moscow', key: 'k2', urls: ['wss://a'] });
  });

  withStore('a cosignature keeps its ML-DSA line, through addCosignatures and through a commit', async (store) => {
    const log = { line: 'ln-1', party: 'A' };
    await store.addCosignatures([
      { ...log, size: 2, cosigner: 'B', timestamp: 10, signature: 's1', pqSignature: 'pq1' },
      { ...log, size: 2, cosigner: 'W', timestamp: 10, signature: 's2' },
    ]);
    await store.commit({ entries: [], checkpoints: [{ ...log, size: 3, note: 'n' }], cosignatures: [{ ...log, size: 3, cosigner: 'B', timestamp: 11, signature: 's3', pqSignature: 'pq3' }] });
    assert.deepEqual(await store.cosignatures(log), [
      { ...log, size: 2, cosigner: 'B', timestamp: 10, signature: 's1', pqSignature: 'pq1' },
      { ...log, size: 2, cosigner: 'W', timestamp: 10, signature: 's2' },
      { ...log, size: 3, cosigner: 'B', timestamp: 11, signature: 's3', pqSignature: 'pq3' },
    ]);
  });

  withStore('evidence and link events are recorded', async (store) => {
    await store.addEvidence({ line: 'ln-1', party: 'A', time: 5, kind: 'equivocation', detail: 'two roots', material: { a: 1 } });
    assert.deepEqual(await store.listEvidence(), [{ line: 'ln-1', party: 'A', time: 5, kind: 'equivocation', detail: 'two roots', material: { a: 1 } }]);
    await store.addLinkEvent({ peer: 'B', time: 1, status: 'up', endpoint: 'wss://x', rttMs: 0.5 });
    await store.addLinkEvent({ peer: 'B', time: 9, status: 'down', endpoint: null, rttMs: null });
    assert.deepEqual((await store.linkEvents('B', 2)).map((e) => e.status), ['down']);
  });

  withStore('rosters keep their order and drafts can be replaced and removed', async (store) => {
    await store.setRoster('ln-1', [3, 1, 2]);
    assert.deepEqual(await store.roster('ln-1'), [3, 1, 2]);
    await store.setRoster('ln-1', [2]);
    assert.deepEqual(await store.roster('ln-1'), [2]);
    assert.deepEqual(await store.roster('ln-2'), []);
    const draft = { line: 'ln-1', call: 'A:3', text: 'We discussed the corridor.', lang: 'en', updatedBy: 'hegseth', updatedAt: 7 };
    await store.saveReadoutDraft(draft);
    await store.saveReadoutDraft({ ...draft, text: 'We discussed the northern corridor.', updatedAt: 8 });
    assert.deepEqual(await store.readoutDraft('ln-1', 'A:3'), { ...draft, text: 'We discussed the northern corridor.', updatedAt: 8 });
    await store.removeReadoutDraft('ln-1', 'A:3');
    assert.equal(await store.readoutDraft('ln-1', 'A:3'), null);
  });

  withStore('a commit that grew from a size no longer stored is a conflict and writes nothing', async (store) => {
    const log = { line: 'ln-1', party: 'P' };
    const one = (seq: number, b: number) => ({ ...log, seq, bytes: bytes(b), nodes: [{ level: 0, index: seq, hash: hash(b) }] });
    await store.commit({ entries: [one(0, 1)], checkpoints: [], grewFrom: [{ ...log, size: 0 }] });
    assert.equal(await store.logSize(log), 1);
    let signed = 0;
    // A second writer that still believes the log is empty: its tree of size 1 must never be stored or signed.
    await assert.rejects(
      store.commit({
        entries: [one(0, 9)], checkpoints: [{ ...log, size: 1, note: 'given' }], cosignatures: [{ ...log, size: 1, cosigner: 'B', timestamp: 1, signature: 's' }],
        grewFrom: [{ ...log, size: 0 }], sign: () => (signed++, [{ ...log, size: 1, note: 'forked' }]),
      }),
      (e: { code?: string }) => e.code === 'conflict',
    );
    assert.equal(signed, 0, 'sign() is not called when the compare-and-set fails');
    assert.equal(await store.logSize(log), 1);
    assert.deepEqual(await store.entries(log, 0, 5), [bytes(1)]);
    assert.equal(await store.latestCheckpoint(log), null);
    assert.deepEqual(await store.cosignatures(log), []);
    // A log never written is at size 0: growing it "from 3" is a conflict too, and does not create it.
    const other = { line: 'ln-1', party: 'Q' };
    await assert.rejects(store.commit({ entries: [{ ...other, seq: 3, bytes: bytes(3), nodes: [] }], checkpoints: [], grewFrom: [{ ...other, size: 3 }] }), (e: { code?: string }) => e.code === 'conflict');
    assert.deepEqual((await store.logs()).map((l) => l.party), ['P']);
    // The log the refused commit did not create can be written afterwards, with or without a compare-and-set.
    await store.commit({ entries: [{ ...other, seq: 0, bytes: bytes(4), nodes: [] }], checkpoints: [] });
    await store.commit({ entries: [{ ...other, seq: 1, bytes: bytes(5), nodes: [] }], checkpoints: [{ ...other, size: 2, note: 'q2' }], grewFrom: [{ ...other, size: 1 }] });
    assert.deepEqual(await store.entries(other, 0, 5), [bytes(4), bytes(5)]);
    assert.equal((await store.latestCheckpoint(other))?.note, 'q2');
    assert.deepEqual(await store.logs(), [{ ...log, size: 1 }, { ...other, size: 2 }]);
  });

  withStore('sign() runs inside the commit once the sizes hold, and its checkpoints are stored with the entries', async (store) => {
    const log = { line: 'ln-1', party: 'P' };
    const fresh = { line: 'ln-2', party: 'P' };
    let seen: number | null = null;
    await store.commit({
      entries: [{ ...log, seq: 0, bytes: bytes(1), nodes: [{ level: 0, index: 0, hash: hash(1) }] }, { ...log, seq: 1, bytes: bytes(2), nodes: [] }],
      checkpoints: [{ ...log, size: 1, note: 'given' }],
      grewFrom: [{ ...log, size: 0 }],
      sign: () => {
        seen = 2;
        // A log named only by the signed checkpoints is stored too (a new line's size-0 checkpoint).
        return [{ ...log, size: 2, note: 'signed-2' }, { ...fresh, size: 0, note: 'signed-fresh' }];
      },
    });
    assert.equal(seen, 2);
    assert.equal((await store.latestCheckpoint(log))?.note, 'signed-2');
    assert.equal((await store.checkpoint(log, 1))?.note, 'given');
    assert.equal((await store.latestCheckpoint(fresh))?.note, 'signed-fresh');
    assert.equal(await store.logSize(log), 2);
    // sign() throwing aborts the commit: nothing of it is written.
    await assert.rejects(store.commit({
      entries: [{ ...log, seq: 2, bytes: bytes(3), nodes: [] }], checkpoints: [], grewFrom: [{ ...log, size: 2 }],
      sign: () => { throw new Error('the key is gone'); },
    }), /the key is gone/);
    assert.equal(await store.logSize(log), 2);
    assert.deepEqual(await store.entries(log, 2, 3), []);
    // Concurrent writers from one size: exactly one wins, the others are conflicts.
    const grow = (b: number) => store.commit({ entries: [{ ...log, seq: 2, bytes: bytes(b), nodes: [] }], checkpoints: [], grewFrom: [{ ...log, size: 2 }], sign: () => [{ ...log, size: 3, note: `cp-${b}` }] });
    const results = await Promise.allSettled([grow(10), grow(11), grow(12)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'conflict');
    const [stored] = await store.entries(log, 2, 3);
    assert.equal((await store.checkpoint(log, 3))?.note, `cp-${stored[0]}`, 'the stored checkpoint is the winner\'s');
  });

  withStore('an event-stream ticket is taken once, and expired tickets are gone', async (store) => {
    const ticket = { memberId: 7, tokenHash: hash(7), expiresAt: 1000 };
    await store.addTicket(hash(1), ticket);
    await store.addTicket(hash(2), { ...ticket, expiresAt: 500 });
    await store.addTicket(hash(3), { ...ticket, expiresAt: 2000 });
    assert.deepEqual(await store.takeTicket(hash(1), 1000), ticket, 'valid up to and including its expiry');
    assert.equal(await store.takeTicket(hash(1), 1000), null, 'a ticket works once');
    assert.equal(await store.takeTicket(hash(2), 900), null, 'an expired ticket');
    assert.equal(await store.takeTicket(hash(9), 900), null, 'an unknown ticket');
    await assert.rejects(store.addTicket(hash(3), ticket), (e: { code?: string }) => e.code === 'conflict', 'a ticket hash is unique');
    const takes = await Promise.all([store.takeTicket(hash(3), 900), store.takeTicket(hash(3), 900)]);
    assert.equal(takes.filter((t) => t !== null).length, 1, 'two takers at once: one gets it');
  });

  withStore('member preferences are kept per member', async (store) => {
    assert.deepEqual(await store.preferences(1), {});
    await store.setPreferences(1, { lang: 'uk', zone: 'Europe/Kyiv' });
    await store.setPreferences(2, { lang: 'fr' });
    assert.deepEqual(await store.preferences(1), { lang: 'uk', zone: 'Europe/Kyiv' });
    assert.deepEqual(await store.preferences(2), { lang: 'fr' });
  });
}
