import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabase } from './support/postgres.ts';
import { cli, makeStationDir, startStation } from './support/station.ts';
import type { EntryView } from './support/fault-harness.ts';
import { ConsoleWatch, ReplicaDown, ReplicaResources, ReplicaSet, call, getOk, sleep, steadyPort, until, type Replica, type ReplicaView } from './support/replicas.ts';

// Three replicas of one station (Washington) on one PostgreSQL database,
// linked to a peer station (Moscow) on SQLite that pins all three replicas'
// link addresses. Both parties write all the time; a console listens on
// every replica's event stream and on the peer's. Meanwhile the leader is
// SIGKILLed again and again (and restarted, as a follower), the leader is
// stopped (SIGSTOP) past its lease and resumed, the leader's database
// connection is cut, and a follower's database connection goes silent.
// Afterwards: every acknowledged append is stored exactly once, at its seq,
// on both parties; both parties hold the same transcript; nobody holds
// evidence of equivocation; and every acknowledged append reached a console
// on a replica, and every console that stayed connected heard every append
// sent while it was connected.

const LINE = 'replicas';
const LEASE_MS = 2000;
const STATION = 'Washington';
const PEER = 'Moscow';
/** How often each writer appends. */
const WRITE_EVERY_MS = 150;

const resources = new ReplicaResources();
after(() => resources.dispose());

interface Attempt {
  party: string;
  text: string;
  via: string;
  sentAt: number;
  ackAt?: number;
  /** 'unknown': no answer, or the documented "no leader now" (503) or a gateway failure (502, 504): it may or may not be stored. */
  outcome: 'pending' | 'acknowledged' | 'unknown' | 'rejected';
  seq?: number;
  status?: number;
  error?: string;
  /** The connection was refused: the request never reached a station, so it is certainly not stored. */
  refused?: boolean;
}

function configure(dir: string, change: Record<string, unknown>) {
  const path = join(dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...change }, null, 2) + '\n');
}

test('three replicas on PostgreSQL and a peer on SQLite keep one record through crashes, a stall and cut database connections', { timeout: 180_000 }, async () => {
  const t0 = Date.now();
  const secs = (t: number) => `${((t - t0) / 1000).toFixed(1)} s`;
  const log = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${line}`);
  const failures: string[] = [];
  const fail = (msg: string) => {
    failures.push(msg);
    log(`FAIL: ${msg}`);
  };

  // --- the station's replicas, the peer, pins, the line -------------------
  const db = await testDatabase();
  resources.cleanups.push(() => db.drop());
  const set = await ReplicaSet.create({
    name: STATION, members: { root: 'admin', duty: 'duty_officer' }, database: db.url, count: 3, leaseMs: LEASE_MS,
    config: { heartbeatMs: 200, lineTestMinutes: 0 }, resources, log,
  });
  log('station directory and database made');
  const [first, ...rest] = set.replicas;
  // The first one up takes the lease; the others then come up as followers.
  await set.start(first);
  log(`${first.label} up`);
  await Promise.all(rest.map((r) => set.start(r)));
  let { replica: leader, view: leaderView } = await set.leader();
  log(`replicas up; ${leader.label} leads (epoch ${leaderView.epoch})`);

  const peerDir = await makeStationDir(PEER, { root: 'admin', duty: 'duty_officer' });
  resources.cleanups.push(() => peerDir.cleanup());
  configure(peerDir.dir, { heartbeatMs: 200, lineTestMinutes: 0 });
  const peer = await startStation(peerDir.dir, `127.0.0.1:${await steadyPort()}`, 20_000, `127.0.0.1:${await steadyPort()}`);
  resources.processes.add(peer.proc);
  let peerEnding = false;
  peer.proc.once('exit', (code, signal) => {
    if (!peerEnding) set.crashes.push(`${PEER} exited by itself (code ${code}, signal ${signal}):\n${peer.output().slice(-4000)}`);
  });

  const root = set.tokens.root;
  const duty = set.tokens.duty;
  const pinned = await call(leader.url, root, 'POST', '/v1/peers', { name: PEER, key: peerDir.identity.vkey, urls: [peer.linkUrl] });
  assert.equal(pinned.status, 201, `pinning ${PEER} at ${STATION}: ${JSON.stringify(pinned.json)}`);
  const pinnedBack = await call(peer.url, peerDir.tokens.root, 'POST', '/v1/peers', { name: STATION, key: set.station.identity.vkey, urls: set.replicas.map((r) => r.linkUrl) });
  assert.equal(pinnedBack.status, 201, `pinning ${STATION} at ${PEER}: ${JSON.stringify(pinnedBack.json)}`);
  const linkUp = async () => {
    const here = (await getOk(peer.url, peerDir.tokens.duty, '/v1/links')).links as Array<{ peer: string; status: string }>;
    return here.some((l) => l.peer === STATION && l.status === 'up');
  };
  await until(linkUp, `the link ${PEER}–${STATION} up`, 20_000);
  const created = await call(leader.url, root, 'POST', '/v1/lines', { id: LINE, title: 'Replicas under fault', parties: [peerDir.identity.vkey], members: ['duty'] });
  assert.equal(created.status, 201, `creating the line: ${JSON.stringify(created.json)}`);
  await until(async () => (await call(peer.url, peerDir.tokens.root, 'GET', `/v1/lines/${LINE}`)).status === 200, `the line offered to ${PEER}`, 20_000);
  const joined = await call(peer.url, peerDir.tokens.root, 'PUT', `/v1/lines/${LINE}/members`, { members: ['duty'] });
  assert.equal(joined.status, 200, `naming members at ${PEER}: ${JSON.stringify(joined.json)}`);
  log('peer linked, line created and joined');

  // --- consoles -----------------------------------------------------------
  // A console fetches the line's transcript before it listens, as the real one does on opening a line.
  const watches = new Map<Replica, ConsoleWatch>();
  for (const r of set.replicas) {
    const w = new ConsoleWatch(r.label, r.url, duty, () => set.ready(r), () => getOk(r.url, duty, `/v1/lines/${LINE}/transcript?limit=1`, 3000));
    watches.set(r, w);
  }
  const peerWatch = new ConsoleWatch(PEER, peer.url, peerDir.tokens.duty, async () => true, () => getOk(peer.url, peerDir.tokens.duty, `/v1/lines/${LINE}/transcript?limit=1`));
  // Stopped first on teardown (cleanups run last to first), so no reconnect loop outlives the test.
  resources.cleanups.push(() => Promise.all([...watches.values(), peerWatch].map((w) => w.stop())));
  await Promise.all([...watches.values(), peerWatch].map((w) => w.start()));
  log('a console on every replica and on the peer');

  // --- traffic ------------------------------------------------------------
  const attempts = new Map<string, Attempt>();
  let writing = true;
  const append = async (party: string, url: string, token: string, via: string, text: string): Promise<Attempt> => {
    const a: Attempt = { party, text, via, sentAt: Date.now(), outcome: 'pending' };
    attempts.set(text, a);
    try {
      const r = await call(url, token, 'POST', `/v1/lines/${LINE}/messages`, { text }, 10_000);
      a.status = r.status;
      if (r.status === 201 && r.json.party === party && Number.isInteger(r.json.seq)) {
        a.outcome = 'acknowledged';
        a.seq = r.json.seq;
        a.ackAt = Date.now();
      } else {
        a.outcome = [502, 503, 504].includes(r.status) ? 'unknown' : 'rejected';
        a.error = JSON.stringify(r.json).slice(0, 300);
      }
    } catch (e) {
      a.outcome = 'unknown';
      const cause = (e as { cause?: { code?: string } }).cause;
      a.error = `${(e as Error).message}${cause?.code ? ` (${cause.code})` : ''}`;
      a.refused = cause?.code === 'ECONNREFUSED';
    }
    return a;
  };
  // Station writers go to the replicas in turn, as through a load balancer that skips replicas it knows to be down.
  const stationWriter = async (w: number) => {
    for (let i = 0, turn = w; writing; i++) {
      const began = Date.now();
      const up = set.replicas.filter((r) => r.state === 'up');
      const r = up[turn++ % Math.max(1, up.length)];
      if (r) {
        const a = await append(STATION, r.url, duty, r.label, `${STATION}/w${w}/${i}`);
        if (a.outcome === 'unknown') await sleep(100);
      }
      await sleep(Math.max(0, WRITE_EVERY_MS - (Date.now() - began)));
    }
  };
  const peerWriter = async (w: number) => {
    for (let i = 0; writing; i++) {
      const began = Date.now();
      await append(PEER, peer.url, peerDir.tokens.duty, PEER, `${PEER}/w${w}/${i}`);
      await sleep(Math.max(0, WRITE_EVERY_MS - (Date.now() - began)));
    }
  };
  const writers = [...[0, 1, 2, 3].map(stationWriter), ...[0, 1].map(peerWriter)];
  await sleep(1500);

  // --- faults -------------------------------------------------------------
  const epochs: number[] = [leaderView.epoch ?? 0];
  const newLeader = async (old: Replica, what: string) => {
    log(`${what}…`);
    const started = Date.now();
    const next = await set.leader(20_000, old);
    if ((next.view.epoch ?? 0) <= epochs.at(-1)!) fail(`after ${what}, ${next.replica.label} leads at epoch ${next.view.epoch}, not above ${epochs.at(-1)}`);
    epochs.push(next.view.epoch ?? 0);
    log(`${what}: ${next.replica.label} leads (epoch ${next.view.epoch}) ${Date.now() - started} ms later`);
    return next;
  };
  // Waits until a replica follows whoever leads; one that crashed instead (a failure, recorded as such) is
  // restarted, as its supervisor would, so that the rest of the faults are still played out.
  const rejoin = async (r: Replica) => {
    const deadline = Date.now() + 25_000;
    for (;;) {
      const left = () => Math.max(1000, deadline - Date.now());
      try {
        const lead = await set.leader(left());
        // A restarted replica may be the one that leads by now (its turn came while it was coming back).
        if (lead.replica === r) await until(() => set.ready(r), `${r.label} ready`, left());
        else await set.following(r, lead.view, Math.min(5000, left()));
        break;
      } catch (e) {
        if (e instanceof ReplicaDown) {
          log(`${r.label} is down (it crashed): restarting it to go on`);
          await set.start(r);
        } else if (Date.now() > deadline) throw e;
      }
    }
    await watches.get(r)!.settled();
  };

  try {
    // Three crashes of whichever replica leads, one after the other: each killed replica is restarted at
    // once and comes back as a follower while the next crash may already be under way (but at least two
    // replicas are running at each crash).
    const restarts: Promise<void>[] = [];
    for (let k = 0; k < 3; k++) {
      // A live event can only be heard by a console that is there: before each crash, one replica that survives
      // it has had its console connected for a moment (a restarted replica's console reconnects a little after).
      await until(async () => set.replicas.filter((r) => r.state === 'up').length >= 2
        && set.replicas.some((r) => r !== leader && r.state === 'up' && watches.get(r)!.current !== undefined && Date.now() - watches.get(r)!.current!.openedAt > 200),
        'two replicas running, and a console on one that survives the crash', 30_000);
      const old = leader;
      await set.kill(old);
      ({ replica: leader, view: leaderView } = await newLeader(old, `SIGKILL ${old.label}`));
      const restart = (async () => {
        await sleep(200);
        await set.start(old);
        await rejoin(old);
        log(`${old.label} back, following`);
      })();
      restart.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      restarts.push(restart);
      // The new leader takes traffic for a while before it is killed in turn.
      await sleep(1500);
    }
    await Promise.all(restarts);
    ({ replica: leader, view: leaderView } = await set.leader());
    for (const r of set.replicas) if (r !== leader) await rejoin(r);

    // The leader stalls past its lease, then resumes: it must find it no longer leads.
    {
      const old = leader;
      set.pause(old);
      log(`SIGSTOP ${old.label}`);
      await sleep(LEASE_MS + 1500);
      ({ replica: leader, view: leaderView } = await newLeader(old, `${old.label} stopped past its lease`));
      set.resume(old);
      log(`SIGCONT ${old.label}`);
      await rejoin(old);
      log(`${old.label} resumed as a follower`);
      await sleep(500);
    }

    // The leader loses its database (connections reset, new ones refused).
    {
      const old = leader;
      old.db!.cut('reset');
      log(`cut ${old.label}'s database connection`);
      ({ replica: leader, view: leaderView } = await newLeader(old, `${old.label} cut off from the database`));
      await sleep(1000);
      old.db!.restore();
      log(`restored ${old.label}'s database connection`);
      await rejoin(old);
      log(`${old.label} follows again`);
      await sleep(500);
    }

    // A follower's database goes silent (nothing crosses, nothing is refused), then comes back.
    {
      const follower = set.replicas.find((r) => r !== leader)!;
      follower.db!.cut('blackhole');
      log(`database silent for ${follower.label}`);
      await sleep(3000);
      follower.db!.restore();
      log(`database back for ${follower.label}`);
      await rejoin(follower);
      ({ replica: leader, view: leaderView } = await set.leader());
      if (leaderView.epoch !== epochs.at(-1)) fail(`a follower's silent database changed the leader: epoch ${leaderView.epoch}, was ${epochs.at(-1)}`);
    }
  } catch (e) {
    fail(`the faults could not be played out: ${(e as Error).message}`);
  }

  // Whatever breaks from here on is recorded with the rest, and the logs are shown.
  try {
    writing = false;
    await Promise.all(writers);
    // Whoever leads now serves the reads below (the faults may have ended half-way).
    ({ replica: leader, view: leaderView } = await set.leader(20_000));
    // A few single appends on a quiet line, through every replica and the peer: each must be acknowledged.
    for (let i = 0; i < 2; i++) {
      for (const r of set.replicas) {
        if (r.state !== 'up') continue; // already a failure: it would not come back
        const a = await append(STATION, r.url, duty, r.label, `${STATION}/closing/${r.index}/${i}`);
        if (a.outcome !== 'acknowledged') fail(`a closing append through ${r.label} (running, following the leader) was not acknowledged: ${a.status ?? ''} ${a.error ?? ''}`);
      }
      const a = await append(PEER, peer.url, peerDir.tokens.duty, PEER, `${PEER}/closing/${i}`);
      if (a.outcome !== 'acknowledged') fail(`a closing append at ${PEER} was not acknowledged: ${a.status ?? ''} ${a.error ?? ''}`);
    }
    const chaosOver = Date.now();
    const count = (o: Attempt['outcome']) => [...attempts.values()].filter((a) => a.outcome === o).length;
    log(`traffic over: ${attempts.size} appends, ${count('acknowledged')} acknowledged, ${count('unknown')} unknown, ${count('rejected')} rejected`);
    const rejected = [...attempts.values()].filter((a) => a.outcome === 'rejected');
    if (rejected.length) fail(`${rejected.length} appends were refused, e.g. ${rejected[0].text} via ${rejected[0].via}: ${rejected[0].status} ${rejected[0].error}`);

    // --- convergence ----------------------------------------------------------
    const sizeAt = async (url: string, token: string, party: string) => (await getOk(url, token, `/v1/lines/${LINE}/logs/${party}/entries?limit=1`)).size as number;
    let seen = '';
    try {
      await until(async () => {
        const here = { [STATION]: await sizeAt(leader.url, duty, STATION), [PEER]: await sizeAt(leader.url, duty, PEER) };
        const there = { [STATION]: await sizeAt(peer.url, peerDir.tokens.duty, STATION), [PEER]: await sizeAt(peer.url, peerDir.tokens.duty, PEER) };
        seen = `${STATION} holds ${JSON.stringify(here)}, ${PEER} holds ${JSON.stringify(there)}`;
        if (here[STATION] !== there[STATION] || here[PEER] !== there[PEER]) return false;
        const total = here[STATION] + here[PEER] - 1; // the line's signed definition is not a transcript item
        for (const [url, token] of [[leader.url, duty], [peer.url, peerDir.tokens.duty]]) {
          const t = await getOk(url, token, `/v1/lines/${LINE}/transcript?limit=1`);
          if (t.pending !== 0 || t.total !== total) return false;
        }
        return true;
      }, 'both parties to hold both logs, checkpointed, nothing pending', 30_000, 250);
      log(`converged ${Date.now() - chaosOver} ms after the traffic stopped: ${seen}`);
    } catch (e) {
      fail(`${(e as Error).message}; last seen: ${seen}`);
    }

    // --- the record, as each party holds it -----------------------------------
    const readAll = async (url: string, token: string, path: string, key: 'items' | 'entries') => {
      const out: EntryView[] = [];
      for (let start = 0; ;) {
        const page = await getOk(url, token, `${path}${path.includes('?') ? '&' : '?'}start=${start}&limit=1000`);
        out.push(...(page[key] as EntryView[]));
        if (page.next === null || page.next === undefined) return out;
        start = page.next;
      }
    };
    const holders = [{ name: STATION, url: leader.url, token: duty }, { name: PEER, url: peer.url, token: peerDir.tokens.duty }];
    const logs = new Map<string, Map<string, EntryView[]>>();
    for (const h of holders) {
      const byAuthor = new Map<string, EntryView[]>();
      for (const author of [STATION, PEER]) byAuthor.set(author, await readAll(h.url, h.token, `/v1/lines/${LINE}/logs/${author}/entries`, 'entries'));
      logs.set(h.name, byAuthor);
    }
    for (const author of [STATION, PEER]) {
      const own = logs.get(author)!.get(author)!;
      own.forEach((e, i) => {
        if (e.seq !== i || e.party !== author) fail(`${author}'s own log has ${e.party}/${e.seq} at position ${i}`);
      });
      const other = logs.get(author === STATION ? PEER : STATION)!.get(author)!;
      const differ = own.findIndex((e, i) => other[i]?.leafHash !== e.leafHash);
      if (other.length !== own.length || differ !== -1) fail(`the copy of ${author}'s log differs from the original: ${other.length} vs ${own.length} entries${differ !== -1 ? `, first differing leaf at ${differ}` : ''}`);
    }
    // Every acknowledged append once, at its seq, on both parties.
    let misplaced = 0;
    for (const a of attempts.values()) {
      if (a.outcome !== 'acknowledged') continue;
      for (const h of holders) {
        const e = logs.get(h.name)!.get(a.party)![a.seq!];
        if (!e || e.body.text !== a.text) {
          if (misplaced++ < 5) fail(`acknowledged ${a.text} (${a.party} seq ${a.seq}, via ${a.via}) is not at its seq on ${h.name}: found ${e ? JSON.stringify(e.body.text ?? e.kind) : 'nothing'}`);
        }
      }
    }
    if (misplaced > 5) fail(`${misplaced} acknowledged appends missing or misplaced in all`);
    // Nothing twice; nothing nobody sent; nothing refused at the door or answered with a refusal.
    const stored = new Map<string, string>();
    for (const author of [STATION, PEER]) {
      let messages = 0;
      let acknowledged = 0;
      let unknownStored = 0;
      for (const a of attempts.values()) if (a.party === author && a.outcome === 'acknowledged') acknowledged++;
      for (const e of logs.get(author)!.get(author)!) {
        if (e.kind !== 'message') continue;
        messages++;
        const text = String(e.body.text);
        const where = `${author}/${e.seq}`;
        if (stored.has(text)) fail(`"${text}" is stored twice: at ${stored.get(text)} and ${where}`);
        stored.set(text, where);
        const a = attempts.get(text);
        if (!a || a.party !== author) fail(`${where} holds "${text}", which no writer of ${author} sent`);
        else if (a.outcome === 'unknown') {
          unknownStored++;
          if (a.refused) fail(`"${text}" was refused at connection time but is stored at ${where}`);
        } else if (a.outcome === 'rejected') fail(`"${text}" was answered ${a.status} but is stored at ${where}`);
      }
      log(`${author}: ${messages} messages stored = ${acknowledged} acknowledged + ${unknownStored} of the unknown-outcome ones`);
      if (messages !== acknowledged + unknownStored) fail(`${author}'s log holds ${messages} messages, but ${acknowledged} were acknowledged and ${unknownStored} of the unknown-outcome ones are stored`);
    }

    // One transcript: the peer's, and the one each replica serves.
    const strip = (items: EntryView[]) => items.map((i) => `${i.party}/${i.seq}/${i.leafHash}`);
    const reference = strip(await readAll(peer.url, peerDir.tokens.duty, `/v1/lines/${LINE}/transcript`, 'items'));
    const expected = logs.get(PEER)!.get(STATION)!.length + logs.get(PEER)!.get(PEER)!.length - 1;
    if (reference.length !== expected) fail(`${PEER}'s transcript has ${reference.length} items but the logs hold ${expected + 1} entries`);
    for (const r of set.replicas) {
      if (r.state !== 'up') {
        fail(`${r.label} is not running at the end`);
        continue;
      }
      const mine = strip(await readAll(r.url, duty, `/v1/lines/${LINE}/transcript`, 'items'));
      const at = reference.findIndex((x, i) => x !== mine[i]);
      if (mine.length !== reference.length || at !== -1) fail(`${r.label}'s transcript differs from ${PEER}'s: ${mine.length} vs ${reference.length} items, first difference at ${at === -1 ? Math.min(mine.length, reference.length) : at}`);
    }

    // Nobody holds evidence of a second history.
    for (const [label, url, token] of [...set.replicas.filter((r) => r.state === 'up').map((r) => [r.label, r.url, root]), [PEER, peer.url, peerDir.tokens.root]]) {
      const ev = (await getOk(url, token, '/v1/evidence')).evidence as unknown[];
      if (ev.length) fail(`${label} holds ${ev.length} pieces of equivocation evidence: ${JSON.stringify(ev[0]).slice(0, 400)}`);
    }
    const keys = ['--key', set.station.identity.vkey, '--key', peerDir.identity.vkey];
    for (const [label, url, token] of [[leader.label, leader.url, duty], [PEER, peer.url, peerDir.tokens.duty]]) {
      const v = await cli(['verify', '--line', LINE, '--url', url, '--token', token, ...keys]);
      if (v.code !== 0) fail(`hotline verify against ${label} exited ${v.code}: ${(v.stderr || v.stdout).slice(-600)}`);
    }

    // --- live events ----------------------------------------------------------
    // Every acknowledged append reached a console on one of the replicas; every
    // console still connected heard every append acknowledged after it connected.
    const acked = [...attempts.values()].filter((a) => a.outcome === 'acknowledged');
    const stationSessions = [...watches.values()].flatMap((w) => w.sessions);
    const openSessions = [...watches.values(), peerWatch].map((w) => w.current).filter((s) => s !== undefined);
    const missing = () => {
      const out: string[] = [];
      const unheard = acked.filter((a) => !stationSessions.some((s) => s.texts.has(a.text)));
      if (unheard.length) out.push(`${unheard.length} acknowledged appends reached no console on any replica (e.g. ${unheard.slice(0, 3).map((a) => `${a.text} (seq ${a.seq}) via ${a.via}, sent at ${secs(a.sentAt)}, acknowledged at ${secs(a.ackAt!)}`).join('; ')})`);
      for (const s of openSessions) {
        // Sent after the console was on the stream, so stored after it too: its event must reach this console.
        const gaps = acked.filter((a) => a.sentAt > s.openedAt && !s.texts.has(a.text));
        if (gaps.length) out.push(`the console ${s.label} (connected since ${((s.openedAt - t0) / 1000).toFixed(1)} s) missed ${gaps.length} appends sent after it connected (e.g. ${gaps.slice(0, 3).map((a) => `${a.text} sent at ${secs(a.sentAt)}, acknowledged at ${secs(a.ackAt!)}`).join(', ')})`);
      }
      return out;
    };
    let gaps: string[] = [];
    await until(async () => (gaps = missing()).length === 0, 'every console to hear what it should', 10_000, 200).catch(() => undefined);
    for (const g of gaps) fail(g);
    for (const w of [...watches.values(), peerWatch]) {
      log(`console ${w.label}: ${w.sessions.length} sessions (${w.sessions.map((s) => `${secs(s.openedAt)}–${s.closedAt ? secs(s.closedAt) : ''}: ${s.entries.size} entries, ${s.ended ?? 'open'}`).join('; ')})`);
    }
    await Promise.all([...watches.values(), peerWatch].map((w) => w.stop()));
  } catch (e) {
    fail(`the checks could not be completed: ${(e as Error).stack ?? e}`);
  } finally {
    writing = false;
  }

  for (const c of set.crashes) fail(`a process crashed: ${c}`);
  if (failures.length) {
    for (const r of set.replicas) log(`${r.label}, notable log lines:\n${set.notable(r).join('\n')}`);
  }
  peerEnding = true;
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.deepEqual(failures, []);
  const acked = [...attempts.values()].filter((a) => a.outcome === 'acknowledged');
  assert.ok(acked.some((a) => a.party === STATION) && acked.some((a) => a.party === PEER), 'both parties had appends acknowledged');
});
