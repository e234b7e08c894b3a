import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle, verifyBundle } from '../src/core/bundle.ts';
import { nodeCrypto } from '../src/node/crypto.ts';
import { fingerprint } from '../src/station/identity.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { api, cli, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';

// A stolen key, revoked (issue 13): Washington's key is taken at time T.
// Its operators revoke it with the statement `hotline init` made; the peers'
// operators record the compromise time and the new key's fingerprint, read
// aloud. Every station then marks what the old key signed at or after T as
// disputed (API views, the exported bundle), links come back under the new
// key, and the old key links nowhere.

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** An on-demand re-check of every stored log (the own one across its key.revoke too) passes. */
async function integrityPasses(url: string, token: string, who: string) {
  const started = await api(url, token, 'POST', '/v1/station/integrity-check');
  assert.equal(started.status, 202, started.text);
  const run = await eventually(async () => {
    const r = (await api(url, token, 'GET', '/v1/station/integrity-check')).json;
    return !r.running && r.last && r.last.reason === 'on-demand' ? r.last : undefined;
  }, `integrity check at ${who}`, 60_000);
  assert.equal(run.state, 'passed', `${who}: ${run.failure}`);
}

const linkUp = async (s: Linked, peer: string) => (await s.as('root', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === peer)?.status === 'up';

test('a stolen key revoked: entries after the compromise are disputed on every station and in the bundle, the new key links, the old one is refused', { timeout: 300_000 }, async () => {
  const { stations, stop } = await linkedStations(['Washington', 'Moscow', 'Kyiv'], { duty: 'duty_officer' });
  cleanup.push(stop);
  const [w, m, k] = stations;
  const line = await shareLine(w, [m, k], 'revocation-line', ['duty']);
  const send = async (s: Linked, text: string) => {
    const r = await s.as('duty', 'POST', `/v1/lines/${line}/messages`, { text });
    assert.equal(r.status, 201, r.text);
    return r.json as { id: string; party: string; seq: number; time: number };
  };
  const message = (s: Linked, id: string) => s.as('duty', 'GET', `/v1/lines/${line}/messages/${encodeURIComponent(id)}`);
  const held = (s: Linked, id: string) => eventually(async () => (await message(s, id)).status === 200, `${id} at ${s.name}`, 30_000);

  const oldKey = w.dir.identity.vkey;
  const before = await send(w, 'before the theft');
  const T = before.time + 1;
  await eventually(async () => Date.now() > T, 'the clock past T');
  const stolen = await send(w, 'signed by the old key after T: maybe the thief');
  const theirs = await send(m, 'Moscow after T: another key, not disputed');
  for (const s of [m, k]) await held(s, stolen.id);
  for (const s of [w, k]) await held(s, theirs.id);
  const iso = new Date(T).toISOString();

  // The thief's station: the old key, copied before the revocation.
  const thiefDir: StationDir = await makeStationDir('Washington', { root: 'admin' });
  cleanup.push(() => thiefDir.cleanup());
  copyFileSync(join(w.dir.dir, 'station.key'), join(thiefDir.dir, 'station.key'));
  chmodSync(join(thiefDir.dir, 'station.key'), 0o600);

  // 1. Washington revokes its key with the statement made at init.
  const statementFile = join(w.dir.dir, 'revocation.txt');
  assert.equal(readFileSync(statementFile, 'utf8').split('\n')[0], 'hotline/key-revocation/v1');
  const own = readFileSync(statementFile, 'utf8');
  const future = await w.as('root', 'POST', '/v1/station/key-revocation', { statement: own, compromisedAt: Date.now() + 3600_000 });
  assert.equal(future.status, 400);
  assert.match(future.json.error.message, /in the future/);
  const kyivs = await w.as('root', 'POST', '/v1/station/key-revocation', { statement: readFileSync(join(k.dir.dir, 'revocation.txt'), 'utf8'), compromisedAt: T });
  assert.equal(kyivs.status, 400);
  assert.match(kyivs.json.error.message, /revokes Kyiv's key; this station is Washington/);
  const forged = await w.as('root', 'POST', '/v1/station/key-revocation', { statement: own.replace(oldKey, k.dir.identity.vkey.replace('Kyiv', 'Washington')), compromisedAt: T });
  assert.equal(forged.status, 400, forged.text);
  const byDuty = await w.as('duty', 'POST', '/v1/station/key-revocation', { statement: own, compromisedAt: T });
  assert.equal(byDuty.status, 403);
  const revoked = await cli(['key', 'revoke', '--statement', statementFile, '--compromised-at', iso, '--url', w.proc.url, '--token', w.tokens.root]);
  assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr);
  const fp = /New key fingerprint[^\n]*\n\s+(\d{5}(?: \d{5}){5})/.exec(revoked.stdout)?.[1];
  assert.ok(fp, revoked.stdout);
  assert.ok(revoked.stdout.includes(`hotline peer revoke Washington --compromised-at ${iso} --fingerprint "${fp}"`), revoked.stdout);
  const newKey = (await api(w.proc.url, undefined, 'GET', '/v1/station')).json.key as string;
  assert.notEqual(newKey, oldKey);
  assert.equal(fingerprint(newKey), fp);
  // The same statement again: that key no longer signs here.
  const again = await w.as('root', 'POST', '/v1/station/key-revocation', { statement: own, compromisedAt: T });
  assert.equal(again.status, 409, again.text);
  // Washington's own view already disputes what its old key signed after T.
  assert.equal((await message(w, stolen.id)).json.disputed, true);
  assert.equal((await message(w, before.id)).json.disputed, undefined);

  // 2. Moscow's operators, told the fingerprint and T. A wrong fingerprint records nothing.
  const peerRevoke = (s: Linked, args: string[]) => cli(['peer', 'revoke', 'Washington', '--compromised-at', iso, ...args, '--url', s.proc.url, '--token', s.tokens.root]);
  const wrong = await peerRevoke(m, ['--fingerprint', '11111 11111 11111 11111 11111 11111']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /not the one read aloud|has not dialled in under a new key/);
  assert.equal((await m.as('root', 'GET', '/v1/revocations')).json.revocations.length, 0);
  // Once Washington's new key has dialled in (its hello is refused, and its key remembered as offered), the fingerprint picks it.
  let last = '';
  const recorded = await eventually(async () => {
    const r = await peerRevoke(m, ['--fingerprint', fp]);
    last = r.stderr;
    return r.code === 0 ? r : undefined;
  }, 'Moscow records the revocation', 60_000).catch((e) => assert.fail(`${(e as Error).message}: ${last}\n${m.proc.output().slice(-3000)}`));
  assert.match(recorded.stdout, /pinned now under the new key/);
  assert.equal((await m.as('root', 'GET', '/v1/peers')).json.peers.find((p: any) => p.name === 'Washington').key, newKey);

  // 3. Kyiv first hears of the published statement alone: the old key is revoked, no replacement yet.
  const published = await peerRevoke(k, ['--statement', statementFile]);
  assert.equal(published.code, 0, published.stdout + published.stderr);
  assert.match(published.stdout, /no replacement confirmed yet/);
  assert.equal((await k.as('duty', 'GET', `/v1/lines/${line}/messages/${encodeURIComponent(stolen.id)}`)).json.disputed, true, 'disputed at Kyiv from the statement alone');
  // The thief dials Kyiv with the old key, which Kyiv still pins: refused, the key is revoked.
  const thief: StationProcess = await startStation(thiefDir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  cleanup.push(() => thief.stop());
  const pinned = await api(thief.url, thiefDir.tokens.root, 'POST', '/v1/peers', { name: 'Kyiv', key: k.dir.identity.vkey, urls: [k.proc.linkUrl] });
  assert.equal(pinned.status, 201, pinned.text);
  await eventually(async () => /"reason":"[^"]*revoked[^"]*","msg":"refused a link"/.test(k.proc.output()), 'Kyiv refuses a hello by the revoked key', 30_000);
  assert.equal(await linkUp(k, 'Washington'), false);
  await thief.kill();
  // Then Kyiv's operators confirm the new key.
  await eventually(async () => {
    const r = await peerRevoke(k, ['--fingerprint', fp]);
    last = r.stderr;
    return r.code === 0;
  }, 'Kyiv confirms the new key', 60_000).catch((e) => assert.fail(`${(e as Error).message}: ${last}\n${k.proc.output().slice(-3000)}`));
  const atKyiv = (await k.as('root', 'GET', '/v1/revocations')).json.revocations;
  assert.deepEqual(atKyiv, [{ party: 'Washington', key: oldKey, compromisedAt: T, replacement: newKey, fingerprint: fingerprint(oldKey), replacementFingerprint: fp }]);

  // 4. The links come back under the new key, and the key.revoke entry reaches every station.
  for (const s of [m, k]) {
    await eventually(async () => (await linkUp(s, 'Washington')) && (await linkUp(w, s.name)), `link ${s.name}↔Washington up again`, 60_000);
  }
  const fresh = await send(w, 'under the new key');
  for (const s of [m, k]) await held(s, fresh.id);

  // 5. Disputed on every station, in the transcript, the message views and the log's entries.
  for (const s of [w, m, k]) {
    const entries = (await s.as('duty', 'GET', `/v1/lines/${line}/logs/Washington/entries?limit=1000`)).json.entries as any[];
    const revokeAt = entries.find((e) => e.kind === 'key.revoke')?.seq;
    assert.ok(revokeAt !== undefined, `${s.name} holds Washington's key.revoke`);
    assert.equal(entries[revokeAt].body.key, newKey);
    for (const e of entries) {
      const want = e.seq < revokeAt && e.time >= T;
      assert.equal(e.disputed === true, want, `${s.name}: Washington:${e.seq} (${e.kind}, time ${e.time}) disputed=${want}`);
    }
    const items = (await s.as('duty', 'GET', `/v1/lines/${line}/transcript?limit=1000`)).json.items as any[];
    const item = (id: string) => items.find((i) => `${i.party}:${i.seq}` === id);
    assert.equal(item(stolen.id).disputed, true, `${s.name} transcript`);
    for (const id of [before.id, theirs.id, fresh.id]) assert.equal(item(id).disputed, undefined, `${s.name} transcript ${id}`);
    assert.equal((await message(s, stolen.id)).json.disputed, true, `${s.name} message view`);
    assert.equal((await message(s, fresh.id)).json.disputed, undefined);
    const listed = (await s.as('duty', 'GET', `/v1/lines/${line}/messages`)).json.messages as any[];
    assert.deepEqual(listed.filter((x) => x.disputed).map((x) => x.id), [stolen.id], `${s.name} message list`);
  }

  // 6. The bundle exported at Moscow carries the revocation; verified offline, it reports the disputed entries.
  const tmp = mkdtempSync(join(tmpdir(), 'hotline-revocation-bundle-'));
  cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
  const file = join(tmp, 'bundle.json');
  const exported = await cli(['export', '--line', line, '--out', file, '--url', m.proc.url, '--token', m.tokens.duty]);
  assert.equal(exported.code, 0, exported.stderr);
  const bundle = parseBundle(JSON.parse(readFileSync(file, 'utf8')));
  assert.deepEqual(bundle.revocations, [{ party: 'Washington', key: oldKey, compromisedAt: T, replacement: newKey }]);
  const verdict = verifyBundle(nodeCrypto, bundle);
  const wLog = verdict.logs.find((l) => l.party === 'Washington')!;
  const wEntries = (await m.as('duty', 'GET', `/v1/lines/${line}/logs/Washington/entries?limit=1000`)).json.entries as any[];
  assert.deepEqual(wLog.disputed, wEntries.filter((e) => e.disputed).map((e) => e.seq));
  assert.ok(wLog.disputed.includes(stolen.seq));
  assert.deepEqual(verdict.logs.filter((l) => l.party !== 'Washington').map((l) => l.disputed), [[], []]);
  const verified = await cli(['verify', '--bundle', file]);
  assert.equal(verified.code, 12, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /Washington: \d+ entries disputed/);

  // The security logs say who did what.
  const logOf = async (s: Linked) => (await s.as('root', 'GET', '/v1/security/log')).json.events as any[];
  assert.ok((await logOf(w)).some((e) => e.kind === 'key.revoked' && e.actor === 'root' && e.detail.includes(fp)), 'Washington logs its own revocation');
  for (const s of [m, k]) assert.ok((await logOf(s)).some((e) => e.kind === 'peer.pinned' && /Washington's key .* revoked/.test(e.detail) && e.detail.includes(fp)), `${s.name} logs the revocation`);

  // Every station's own re-check of the logs follows Washington's log across its key.revoke.
  for (const s of [w, m, k]) await integrityPasses(s.proc.url, s.tokens.root, s.name);

  // 7. Refusals with reasons, through the API.
  const unknown = await m.as('root', 'POST', '/v1/peers/Nowhere/revocation', { compromisedAt: T, fingerprint: fp });
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error.message, /not pinned/);
  const malformed = await m.as('root', 'POST', '/v1/peers/Kyiv/revocation', { compromisedAt: T, fingerprint: '12345' });
  assert.equal(malformed.status, 400);
  assert.match(malformed.json.error.message, /six groups of five digits/);
  const notOffered = await m.as('root', 'POST', '/v1/peers/Kyiv/revocation', { compromisedAt: T, fingerprint: fingerprint(k.dir.identity.vkey) });
  assert.equal(notOffered.status, 409);
  assert.match(notOffered.json.error.message, /has not dialled in under a new key/);
  const notAdmin = await m.as('duty', 'POST', '/v1/peers/Washington/revocation', { compromisedAt: T, fingerprint: fp });
  assert.equal(notAdmin.status, 403);
});

test('a lost key: the statement kept offline lets the station go on under a new key, and the peers confirm it as for a stolen one', { timeout: 180_000 }, async () => {
  const { stations, stop } = await linkedStations(['Paris', 'Berlin'], { duty: 'duty_officer' });
  cleanup.push(stop);
  const [p, b] = stations;
  const line = await shareLine(p, [b], 'lost-key-line', ['duty']);
  const first = await b.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'before the loss' });
  const mine = await p.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Paris, before the loss' });
  assert.equal(mine.status, 201);
  await eventually(async () => (await b.as('duty', 'GET', `/v1/lines/${line}/messages/${encodeURIComponent(mine.json.id)}`)).status === 200, 'Paris\'s message at Berlin');
  const oldKey = p.dir.identity.vkey;

  // The disk with the key dies; the database survives (a backup, a replica).
  await p.proc.stop();
  rmSync(join(p.dir.dir, 'station.key'));
  const lostAt = new Date(Date.now()).toISOString();
  const statement = join(p.dir.dir, 'revocation.txt');
  const revoked = await cli(['key', 'revoke', '--lost', '--statement', statement, '--compromised-at', lostAt, '--dir', p.dir.dir]);
  assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr);
  const fp = /New key fingerprint[^\n]*\n\s+(\d{5}(?: \d{5}){5})/.exec(revoked.stdout)?.[1];
  assert.ok(fp, revoked.stdout);
  const twice = await cli(['key', 'revoke', '--lost', '--statement', statement, '--compromised-at', lostAt, '--dir', p.dir.dir]);
  assert.notEqual(twice.code, 0);
  assert.match(twice.stderr, /the key is not lost/);

  // The station starts under the new key and ends its log with key.revoke before anything else.
  const proc = await startStation(p.dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${new URL(p.proc.linkUrl).port}`);
  cleanup.push(() => proc.stop());
  const at = (token: string, method: string, path: string, body?: unknown) => api(proc.url, token, method, path, body);
  const newKey = (await at(p.tokens.root, 'GET', '/v1/station')).json.key as string;
  assert.notEqual(newKey, oldKey);
  assert.equal(fingerprint(newKey), fp);
  const own = (await at(p.tokens.duty, 'GET', `/v1/lines/${line}/logs/Paris/entries`)).json.entries as any[];
  assert.equal(own.at(-1).kind, 'key.revoke');
  assert.equal(own.at(-1).body.key, newKey);
  assert.equal(own.filter((e) => e.disputed).length, 0, 'nothing was signed after the loss');

  // Berlin's operators confirm the new key; the link comes back and Paris's new entries flow.
  await eventually(async () => (await cli(['peer', 'revoke', 'Paris', '--compromised-at', lostAt, '--fingerprint', fp, '--url', b.proc.url, '--token', b.tokens.root])).code === 0, 'Berlin confirms the new key', 60_000);
  await eventually(async () => (await b.as('root', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Paris')?.status === 'up', 'link back', 60_000);
  const after = await at(p.tokens.duty, 'POST', `/v1/lines/${line}/messages`, { text: 'Paris, under the new key' });
  assert.equal(after.status, 201, after.text);
  await eventually(async () => (await b.as('duty', 'GET', `/v1/lines/${line}/messages/${encodeURIComponent(after.json.id)}`)).status === 200, 'the new key\'s message at Berlin', 30_000);
  const atBerlin = (await b.as('duty', 'GET', `/v1/lines/${line}/logs/Paris/entries`)).json.entries as any[];
  assert.ok(atBerlin.some((e) => e.kind === 'key.revoke'));
  assert.equal(atBerlin.filter((e) => e.disputed).length, 0);
  assert.equal(first.status, 201);
  // Restarted, Paris checks its own log across the key.revoke and signs with the new key.
  await proc.stop();
  const again = await startStation(p.dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${new URL(p.proc.linkUrl).port}`);
  cleanup.push(() => again.stop());
  assert.equal((await api(again.url, p.tokens.root, 'GET', '/v1/station')).json.key, newKey);
  await integrityPasses(again.url, p.tokens.root, 'Paris');
  await integrityPasses(b.proc.url, b.tokens.root, 'Berlin');
});
