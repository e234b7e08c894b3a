import type { Logger } from 'pino';
import type { Crypto, PqSigner, Signer } from '../../core/crypto.ts';
import { bytesEqual, fromBase64, toBase64 } from '../../core/encoding.ts';
import { verifyEntry, type Entry } from '../../core/entry.ts';
import { LogKeys } from '../../core/keys/log-keys.ts';
import { noteText, parseRotation } from '../../core/keys/rotation.ts';
import { KEY_ROTATE } from '../../core/kinds/key.ts';
import { parseCheckpoint } from '../../core/note/checkpoint.ts';
import type { VerifierKey } from '../../core/note/key.ts';
import { StoredLogKeys } from '../keys/stored-log-keys.ts';
import { logOrigin, partyOf, type Line } from '../../core/line.ts';
import { formatCheckpoint } from '../../core/note/checkpoint.ts';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { definitionDifference, LINE_DEFINE, LineDefinitionBody } from '../../core/kinds/line-definition.ts';
import { signCheckpoint } from '../sign-checkpoint.ts';
import { signReceipt } from '../sign-receipt.ts';
import { pinnedPqKeys } from '../keys/pq-pin.ts';
import { openCheckpoint } from '../../core/log-verifier.ts';
import type { Cosign, Have, LineOffer, Push } from '../../core/link/messages.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import { appendLeaf, frontierNodeIds, frontierRoot, type Frontier } from '../../core/merkle/frontier.ts';
import { hashNodes, nodeKey, perfectNodes } from '../../core/merkle/node.ts';
import { consistencyProof, consistencyProofNodeIds } from '../../core/merkle/proof.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { parseNote } from '../../core/note/note.ts';
import { formatCosignerKey, verifyCosignature } from '../../core/note/cosignature.ts';
import type { AppendedEntry, CheckpointRecord, LineRecord, LogId, Store } from '../storage/store.ts';
import type { PeerSession } from './peer-session.ts';
import { HotlineError } from '../../core/errors.ts';
import { ownLogHold, type OwnLogHold } from '../recovery/own-log-hold.ts';
import { OwnLogRecovery, type RecoveryReport } from '../recovery/own-log-recovery.ts';

const CHUNK = 256;
/** Entries sent but not yet acknowledged, per log and peer: bounds memory during catch-up. */
const WINDOW = 4096;

/** Own checkpoint texts kept in memory per log for checking receipts. */
const OWN_CHECKPOINTS_KEPT = 64;

const is = { definition: TypeCompiler.Compile(LineDefinitionBody) };

const keyOf = (log: LogId) => `${log.line}\n${log.party}`;

export interface ReplicatorEvents {
  /** Entries of a peer's log were stored (after their commit). */
  received(log: LogId, entries: Entry[]): void;
  /** Evidence of a second history was found and stored. */
  equivocation(log: LogId, detail: string): void;
  /** A cosignature on one of our checkpoints arrived: a delivery receipt. */
  cosigned(log: LogId, cosigner: string, size: number): void;
  /** A peer offered a line naming us, and we now hold it. */
  joined?(line: Line): void;
  /** A peer holds more of our own log than we do: entries were lost here, and are being recovered. */
  recovering?(line: string, peer: string, held: number, shown: number): void;
  /** Our own log of a line is back from the peers, verified. */
  recovered?(report: RecoveryReport): void;
}

/**
 * Keeps every log of every shared line in step between linked stations:
 * offers line definitions, exchanges log sizes, pushes what a peer lacks
 * (our own log and, as relay, any other party's), verifies and stores what
 * arrives, and cosigns the author's checkpoints as cumulative receipts.
 * Entries are positional: a peer's entry is accepted only at the next free
 * sequence number, so a crash or a resend can neither lose nor duplicate one.
 */
export class Replicator {
  /** Entries held per line, per party (own log included). */
  private readonly sizes = new Map<string, Map<string, number>>();
  private readonly frontiers = new Map<string, Frontier>();
  private readonly checkpointSizes = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly pumping = new Set<string>();
  private readonly sessions = new Set<PeerSession>();
  /** Per session: lines whose sizes (`have`) we have sent on it (see onLines). */
  private readonly told = new WeakMap<PeerSession, Set<string>>();
  private readonly seenCosignatures = new Set<string>();
  private readonly waitingCosignatures = new Map<string, Array<{ session: PeerSession; msg: Cosign }>>();
  /** Our own logs' last commit, as the appender wrote it: a peer that is caught up is sent it without reading it back. */
  private readonly fresh = new Map<string, { start: number; entries: Uint8Array[]; checkpoint: CheckpointRecord }>();
  /** Lines announced so far (a line's parties never change): a commit is pushed to a caught-up peer in the same turn of the event loop. */
  private readonly announced = new Map<string, Line>();
  /** Texts of our own latest checkpoints per log, by size: the receipts that come back are checked against them without a read. */
  private readonly ownCheckpoints = new Map<string, Map<number, string>>();
  /** Peers whose first `have` has been handled (what they hold is known). */
  readonly heard = new Set<string>();
  /** The largest size any peer has shown of each log. */
  readonly shown = new Map<string, number>();
  /** Keeps the appender off our own log of a line until we know we hold all of it. */
  readonly hold: OwnLogHold;
  readonly recovery: OwnLogRecovery;
  /** Which key signed which entry: peers' logs are verified under the key in use at each position. */
  readonly keys: StoredLogKeys;

  constructor(
    private readonly deps: {
      store: Store;
      crypto: Crypto;
      signer: Signer;
      me: string;
      /** Every key this station has signed with (its first and each rotation's), current last: a line may name any of them. */
      myKeys: () => readonly string[];
      clock: () => number;
      /** Which key signed which entry of a stored log (default: read from the store). */
      keys?: StoredLogKeys;
      /** A party's log recorded a rotation of its key (verified from the key before it): its pin may follow. */
      rotated?(party: string, from: string, to: string): void;
      logger?: Logger;
      events: ReplicatorEvents;
      hold?: OwnLogHold;
      /** How long a restarted station waits to hear from a peer before appending (default 5 s). */
      listenMs?: number;
      /** The station's ML-DSA-44 signer for checkpoints and receipts (a rotation swaps it); none: Ed25519 lines only. */
      pq?: () => PqSigner | undefined;
    },
  ) {
    this.hold = deps.hold ?? ownLogHold(deps.store);
    this.keys = deps.keys ?? new StoredLogKeys(deps.store, deps.crypto);
    const { store, crypto, signer, me, clock, logger, listenMs } = deps;
    this.recovery = new OwnLogRecovery({
      store, crypto, signer, me, clock, logger, listenMs, hold: this.hold, keys: this.keys, pq: deps.pq,
      held: (log) => this.size(log),
      holdsOwnLog: (line) => this.sizes.get(line)?.has(me) ?? false,
      frontier: (log, size) => this.frontier(log, size),
      rootAt: (log, size) => this.rootAt(log, size, []),
      openOwnLog: (line) => this.openOwnLog(line),
      stored: (log, size, frontier, entries) => {
        this.afterStore(log, size, frontier);
        // The appender grows our log from here on, not this cache.
        this.frontiers.delete(keyOf(log));
        if (entries.length) {
          this.deps.events.received(log, entries);
          void this.announce(log);
        }
      },
      evidence: (log, detail, material) => this.evidence(log, detail, material),
      recovering: (...a) => this.deps.events.recovering?.(...a),
      recovered: (r) => this.deps.events.recovered?.(r),
    });
  }

  async load(): Promise<void> {
    const { store, me } = this.deps;
    const logs = await store.logs();
    for (const log of logs) this.setSize(log, log.size);
    const pinned = new Set((await store.listPeers()).map((p) => p.name));
    for (const line of await store.listLines()) {
      if (!partyOf(line, me)) continue;
      // A peer may hold more of our log than we do (we may be an old backup):
      // until one says what it holds, appends on the line wait.
      if (line.parties.some((p) => p.name !== me && pinned.has(p.name))) this.recovery.listen(line.id);
      // Lines joined before every joining party signed its empty log at once:
      // sign it now, unless a peer could tell us it is not empty.
      else if (!logs.some((l) => l.line === line.id && l.party === me)) await this.openOwnLog(line.id);
    }
  }

  /**
   * Signs the size-0 checkpoint of our log on a line we just joined (once a
   * peer has shown it empty), so that from then on our log has a signed size
   * that every station can serve and any verifier can check. Signed inside
   * the transaction, and only while the log is still empty.
   */
  private async openOwnLog(line: string): Promise<boolean> {
    const { crypto, signer, me } = this.deps;
    const log = { line, party: me };
    // A line naming a retired key of ours (made by a peer that had not yet followed our rotation): our log of it would
    // begin under a key that signs nothing more. Nothing is written to it; the line must be made again.
    const def = await this.deps.store.line(line);
    const mine = this.deps.myKeys();
    if (def && partyOf(def, me)?.key !== mine[mine.length - 1]) {
      const why = `line ${line} names a retired key of this station (it was made by a peer that had not yet followed this station's key rotation): nothing can be written to it; make the line again`;
      this.deps.logger?.warn({ line }, why);
      this.hold.refuse(line, why);
      return false;
    }
    try {
      await this.deps.store.commit({ entries: [], checkpoints: [], grewFrom: [{ ...log, size: 0 }], sign: () => [signCheckpoint({ crypto, signer, party: me, pq: this.deps.pq?.() }, line, 0, [])] });
      this.setSize(log, 0);
    } catch (e) {
      if (!(e instanceof HotlineError && e.code === 'conflict')) throw e;
      this.setSize(log, await this.deps.store.logSize(log));
    }
    return true;
  }

  /** Sizes of the other parties' logs of a line, as this station holds them now: an entry's `seen`. */
  seen(line: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [party, size] of this.sizes.get(line) ?? []) if (party !== this.deps.me && size > 0) out[party] = size;
    return out;
  }

  size(log: LogId): number {
    return this.sizes.get(log.line)?.get(log.party) ?? 0;
  }

  private setSize(log: LogId, size: number) {
    let bySize = this.sizes.get(log.line);
    if (!bySize) this.sizes.set(log.line, (bySize = new Map()));
    bySize.set(log.party, size);
  }

  // --- sessions -----------------------------------------------------------

  async open(session: PeerSession): Promise<void> {
    this.sessions.add(session);
    const lines = await this.sharedLines(session.peer);
    session.send({ t: 'lines', lines: lines.map(({ memberIds: _, ...def }) => def) });
    session.send({ t: 'have', logs: this.haveFor(lines) });
    this.noteTold(session, lines);
    // Re-send the latest receipts we hold (ours and, as relay, the other
    // parties'), in case they were lost with an earlier link; on the peer's
    // own log too, since the peer stores the receipts on it without waiting
    // for its disk (see Store.addCosignatures).
    for (const line of lines) {
      for (const party of line.parties) {
        const latest = new Map<string, { size: number; signature: string; pqSignature?: string }>();
        for (const c of await this.deps.store.cosignatures({ line: line.id, party: party.name })) {
          if (c.cosigner !== session.peer && partyOf(line, c.cosigner)) latest.set(c.cosigner, c);
        }
        for (const [cosigner, c] of latest) session.send({ t: 'cosign', line: line.id, party: party.name, size: c.size, cosigner, signature: c.signature, ...(c.pqSignature ? { pqSignature: c.pqSignature } : {}) });
      }
    }
  }

  /** Tells every linked party of a new line about it, with our log sizes, so replication starts. */
  async offer(line: LineRecord): Promise<void> {
    const { memberIds: _, ...def } = line;
    for (const session of this.sessions) {
      if (!partyOf(line, session.peer)) continue;
      session.send({ t: 'lines', lines: [def] });
      session.send({ t: 'have', logs: this.haveFor([line]) });
      this.noteTold(session, [line]);
    }
  }

  private noteTold(session: PeerSession, lines: Line[]): void {
    const told = this.told.get(session) ?? new Set<string>();
    for (const line of lines) told.add(line.id);
    this.told.set(session, told);
  }

  close(session: PeerSession): void {
    this.sessions.delete(session);
  }

  /**
   * What a peer's open link still owes it: entries of the logs it has told us
   * about that we hold and it does not, and since when the oldest of them has
   * been waiting. `counted` leaves lines out (discreet ones: their traffic must
   * not move a metric). Nothing for a peer without an open link.
   */
  backlog(peer: string, counted: (line: string) => boolean, now: number): { entries: number; waitingSince: number | null } | undefined {
    const session = [...this.sessions].find((s) => s.peer === peer && s.isOpen);
    if (!session) return undefined;
    let entries = 0;
    let waitingSince: number | null = null;
    for (const [key, has] of session.peerHas) {
      const [line, party] = key.split('\n');
      if (party === peer || !counted(line)) continue;
      const behind = this.size({ line, party }) - has;
      if (behind <= 0) continue;
      entries += behind;
      const since = session.behindSince.get(key) ?? now;
      waitingSince = waitingSince === null ? since : Math.min(waitingSince, since);
    }
    return { entries, waitingSince };
  }

  /** The session's logger (its link id and peer on every line); a session not adopted by Links gets the peer at least. */
  private logFor(session: PeerSession) {
    return session.log ?? this.deps.logger?.child({ peer: session.peer });
  }

  /** Notes when a peer starts lacking entries of a log, and forgets it once the peer has them all. */
  private noteBehind(session: PeerSession, log: LogId): void {
    const key = keyOf(log);
    const has = session.peerHas.get(key);
    if (has === undefined || log.party === session.peer) return;
    if (this.size(log) > has) {
      if (!session.behindSince.has(key)) session.behindSince.set(key, Date.now());
    } else session.behindSince.delete(key);
  }

  private haveFor(lines: Line[]): Have['logs'] {
    return lines.flatMap((line) => line.parties.map((p) => ({ line: line.id, party: p.name, size: this.size({ line: line.id, party: p.name }) })));
  }

  private async sharedLines(peer: string): Promise<LineRecord[]> {
    return (await this.deps.store.listLines()).filter((l) => partyOf(l, peer) && partyOf(l, this.deps.me));
  }

  /** Called after our own appends commit, and after peer entries are stored: push to everyone on the line. */
  async announce(log: LogId): Promise<void> {
    let line = this.announced.get(log.line);
    if (!line) {
      const read = await this.deps.store.line(log.line);
      if (!read) return;
      this.announced.set(log.line, (line = read));
    }
    for (const session of this.sessions) {
      if (session.peer !== log.party && partyOf(line, session.peer)) {
        this.noteBehind(session, log);
        void this.pump(session, log);
      }
    }
  }

  /** Our appender committed entries (`committed`: their bytes from `start`, and the checkpoint signed with them). */
  noteOwnAppend(line: string, size: number, committed?: { start: number; entries: Uint8Array[]; checkpoint?: CheckpointRecord }): void {
    const log = { line, party: this.deps.me };
    this.setSize(log, size);
    const key = keyOf(log);
    if (committed?.checkpoint && committed.checkpoint.size === size) {
      this.fresh.set(key, { ...committed, checkpoint: committed.checkpoint });
      const texts = this.ownCheckpoints.get(key) ?? new Map<number, string>();
      texts.set(size, parseNote(committed.checkpoint.note).text);
      // Receipts come back within a round trip or two; older ones are read from the store.
      for (const old of texts.keys()) if (texts.size > OWN_CHECKPOINTS_KEPT) texts.delete(old);
      this.ownCheckpoints.set(key, texts);
    } else this.fresh.delete(key);
  }

  // --- messages -----------------------------------------------------------

  async onLines(session: PeerSession, offer: LineOffer): Promise<void> {
    const joined: Line[] = [];
    const untold: Line[] = [];
    for (const def of offer.lines) {
      const names = def.parties.map((p) => p.name);
      if (!names.includes(this.deps.me) || !names.includes(session.peer)) continue;
      const mine = this.deps.myKeys();
      const named = partyOf(def, this.deps.me)!.key;
      if (!mine.includes(named)) {
        this.logFor(session)?.warn('a peer offered a line naming us with another key; ignored');
        continue;
      }
      const known = await this.deps.store.line(def.id);
      if (!known) {
        await this.deps.store.createLine({ ...def, memberIds: [] });
        // Our log is opened once the peer's `have` shows it empty; if it shows
        // more, this is a line we were on before and lost: recovery.
        this.recovery.listen(def.id);
        this.deps.events.joined?.(def);
        this.logFor(session)?.info({ parties: names.length }, 'joined a line offered by a peer');
        joined.push(def);
      } else if (JSON.stringify(known.parties) !== JSON.stringify(def.parties) || known.discreet !== def.discreet) {
        this.logFor(session)?.warn('a peer offered a line that differs from ours; ignored');
      } else if (!this.told.get(session)?.has(def.id)) {
        untold.push(known);
      }
    }
    // Say what we hold of the new lines (nothing yet), so the peer starts sending.
    if (joined.length) session.send({ t: 'have', logs: this.haveFor(joined), resend: true });
    // A line we know that this session has had no `have` of ours for: the peer
    // sends a log only after our `have` for it on the session. We may have
    // joined the line over another session (one a duplicate replaced with 4009,
    // the `have` we answered there lost with it) after this session's open()
    // read our lines without it; the peer's offer here finds it known, and
    // without this neither side would say anything more about it.
    if (untold.length) session.send({ t: 'have', logs: this.haveFor(untold) });
    this.noteTold(session, [...joined, ...untold]);
  }

  async onHave(session: PeerSession, have: Have): Promise<void> {
    for (const log of have.logs) {
      const line = await this.deps.store.line(log.line);
      // Never send a line's logs to a party the line does not name (discreet lines above all).
      if (!line || !partyOf(line, session.peer) || !partyOf(line, log.party)) continue;
      const key = keyOf(log);
      const first = !session.sent.has(key);
      session.peerHas.set(key, log.size);
      this.noteBehind(session, log);
      if (log.size > (this.shown.get(key) ?? 0)) this.shown.set(key, log.size);
      if (log.party === this.deps.me) await this.recovery.shown(session, log.line, log.size);
      if ((session.sent.get(key) ?? 0) < log.size || first || have.resend) session.sent.set(key, log.size);
      if (this.size(log) > log.size) void this.pump(session, { line: log.line, party: log.party });
      else if (first && (log.party === this.deps.me || (log.size === 0 && log.party !== session.peer))) {
        // Nothing to send, but show our latest checkpoint: if the peer holds a
        // different history of our log, this is how it finds out. An empty
        // log's size-0 checkpoint goes too (ours or, as relay, another's), so
        // every station can serve a signed size for every party from the start.
        const cp = await this.deps.store.latestCheckpoint(log);
        if (cp && (log.party === this.deps.me || cp.size === 0)) session.send({ t: 'push', line: log.line, party: log.party, start: Math.min(log.size, cp.size), entries: [], checkpoint: cp.note });
      }
    }
    this.heard.add(session.peer);
  }

  async onPush(session: PeerSession, push: Push): Promise<void> {
    const log = { line: push.line, party: push.party };
    if (log.party === this.deps.me) return this.locked(keyOf(log), () => this.recovery.receive(session, push));
    await this.locked(keyOf(log), () => this.receive(session, log, push));
  }

  async onCosign(session: PeerSession, msg: Cosign): Promise<void> {
    const log = { line: msg.line, party: msg.party };
    const line = await this.deps.store.line(msg.line);
    const cosigner = line && partyOf(line, msg.cosigner);
    if (!line || !cosigner || !partyOf(line, session.peer) || msg.cosigner === this.deps.me) return;
    const id = `${keyOf(log)}\n${msg.cosigner}\n${msg.size}`;
    if (this.seenCosignatures.has(id)) return;
    const text = await this.checkpointText(log, msg.size);
    if (text === undefined) {
      // It covers entries we do not hold yet: check it once they arrive.
      const waiting = this.waitingCosignatures.get(keyOf(log)) ?? [];
      if (waiting.length < 1000) waiting.push({ session, msg });
      this.waitingCosignatures.set(keyOf(log), waiting);
      return;
    }
    const verified = await this.verifyReceipt(line.id, cosigner.name, text, msg.signature);
    if (!verified) {
      this.logFor(session)?.warn('a cosignature did not verify; ignored');
      return;
    }
    // The ML-DSA line is kept only if it verifies under the cosigner's pinned ML-DSA key: nothing unverified is stored or served.
    let pqSignature: string | undefined;
    if (msg.pqSignature) {
      const pqKey = pinnedPqKeys(await this.deps.store.listPeers()).get(msg.cosigner);
      if (pqKey && verifyCosignature(this.deps.crypto, pqKey, text, msg.pqSignature)) pqSignature = msg.pqSignature;
      else if (pqKey) {
        this.logFor(session)?.warn('an ML-DSA receipt line did not verify; ignored');
        return;
      }
    }
    // The cosigner holds its receipt durably with the entries it covers and sends its latest again on every link:
    // the copy here does not wait for the disk (see Store.addCosignatures).
    await this.deps.store.addCosignatures([{ ...log, size: msg.size, cosigner: msg.cosigner, timestamp: verified.timestamp, signature: msg.signature, ...(pqSignature ? { pqSignature } : {}) }], { resent: true });
    this.seenCosignatures.add(id);
    if (this.seenCosignatures.size > 100_000) this.seenCosignatures.clear();
    this.deps.events.cosigned(log, msg.cosigner, msg.size);
    // Relay receipts so a party whose direct link is down still learns of them.
    for (const other of this.sessions) if (other !== session && other.peer !== msg.cosigner && partyOf(line, other.peer)) other.send(msg);
  }

  /**
   * A receipt is checked against every key of the cosigner's chain (its log
   * tells which), and its pin: its current key for new receipts, older ones
   * for receipts made before it rotated. A key revoked here signs no receipt
   * dated at or after its compromise.
   */
  private async verifyReceipt(line: string, cosigner: string, text: string, signature: string) {
    const c = this.deps.crypto;
    const revocations = await this.keys.revocations();
    const check = (keyText: string) => {
      const vk = parseVerifierKey(c, keyText);
      const verified = verifyCosignature(c, parseVerifierKey(c, formatCosignerKey(c, cosigner, vk.publicKey)), text, signature);
      if (!verified) return undefined;
      const revoked = revocations.find((r) => r.party === cosigner && r.key === keyText);
      return revoked && verified.timestamp * 1000 >= revoked.compromisedAt ? null : verified;
    };
    const chain = (await this.keys.chain({ line, party: cosigner }, this.size({ line, party: cosigner }))).reverse();
    for (const keyText of chain) {
      const v = check(keyText);
      if (v !== undefined) return v ?? undefined;
    }
    // A receipt may come before the cosigner's key.rotate entry does: its pin (moved by its hello) is its key too.
    const pinned = (await this.deps.store.listPeers()).find((p) => p.name === cosigner)?.key;
    return pinned && !chain.includes(pinned) ? (check(pinned) ?? undefined) : undefined;
  }

  /**
   * The checkpoint text of the log at `size`: the signed one if we hold it,
   * else rebuilt from our own tree (our checkpoints carry no extensions, so
   * origin, size and root determine the text the cosigner signed).
   */
  private async checkpointText(log: LogId, size: number): Promise<string | undefined> {
    const kept = this.ownCheckpoints.get(keyOf(log))?.get(size);
    if (kept !== undefined) return kept;
    const cp = await this.deps.store.checkpoint(log, size);
    if (cp) return parseNote(cp.note).text;
    if (size > this.size(log) || size === 0) return undefined;
    return formatCheckpoint({ origin: logOrigin(log.line, log.party), size, root: await this.rootAt(log, size, []), extensions: [] });
  }

  // --- sending ------------------------------------------------------------

  private async pump(session: PeerSession, log: LogId): Promise<void> {
    const key = keyOf(log);
    const id = `${session.peer}\n${key}`;
    if (this.pumping.has(id)) return;
    this.pumping.add(id);
    try {
      while (session.isOpen && session.sent.has(key)) {
        const from = session.sent.get(key)!;
        const held = this.size(log);
        if (from >= held || from - (session.peerHas.get(key) ?? 0) >= WINDOW) break;
        const end = Math.min(held, from + CHUNK);
        // A peer that has all but our last commit is sent it from memory; any other is read from the store.
        const fresh = this.fresh.get(key);
        const recent = fresh && fresh.start <= from && fresh.start + fresh.entries.length === end && fresh.checkpoint.size === end;
        const entries = recent ? fresh.entries.slice(from - fresh.start) : await this.deps.store.entries(log, from, end);
        if (entries.length !== end - from) break;
        // The author's checkpoint nearest the end of this chunk, so a long catch-up is receipted as it goes.
        const cp = recent ? fresh.checkpoint : await this.deps.store.checkpointAtMost(log, end);
        session.send({
          t: 'push', line: log.line, party: log.party, start: from, entries: entries.map(toBase64),
          ...(cp && cp.size > from ? { checkpoint: cp.note } : {}),
        });
        session.sent.set(key, end);
        if (session.buffered > 8 * 1024 * 1024) await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      this.pumping.delete(id);
    }
  }

  // --- receiving ----------------------------------------------------------

  private async receive(session: PeerSession, log: LogId, push: Push): Promise<void> {
    const { store, crypto: c, me } = this.deps;
    const line = await store.line(log.line);
    const author = line && partyOf(line, log.party);
    // Not a line we hold (yet): when it is offered to us, our `have` for it asks the peer to start over.
    if (!line || !author || !partyOf(line, session.peer) || log.party === me) return;
    let size = this.size(log);
    // The log's key where we are in it, followed through the key changes in this push.
    const keys = new LogKeys(c, log.party, (await this.keys.verifierAt(log, size, size)) ?? parseVerifierKey(c, author.key), { revocations: await this.keys.revocations() });
    const checkpointKeys = new Map<number, VerifierKey>();
    if (push.start > size) {
      // A gap: tell the peer where we really are, and to send again from there.
      session.send({ t: 'have', logs: [{ ...log, size }], resend: true });
      return;
    }
    let frontier = await this.frontier(log, size);
    const accepted: AppendedEntry[] = [];
    const decoded: Entry[] = [];
    // The tree after each accepted entry; its root is computed only for the size a checkpoint names.
    const frontierAt = new Map<number, Frontier>();
    for (const [i, b64] of push.entries.entries()) {
      const seq = push.start + i;
      const bytes = fromBase64(b64);
      if (seq < size) {
        const [stored] = await store.entries(log, seq, seq + 1);
        if (stored && !bytesEqual(stored, bytes)) {
          try {
            const signer = (await this.keys.verifierAt(log, seq)) ?? parseVerifierKey(c, author.key);
            verifyEntry(c, bytes, { line: log.line, party: log.party, seq, publicKey: signer.publicKey });
          } catch {
            continue; // not signed by the author: a corrupt relay, not evidence
          }
          await this.evidence(log, `${log.party} signed two different entries at position ${seq}`, { seq, entries: [toBase64(stored), b64] });
          return;
        }
        continue;
      }
      let entry: Entry;
      try {
        entry = verifyEntry(c, bytes, { line: log.line, party: log.party, seq, publicKey: (e) => keys.signerOf(e).publicKey });
        keys.advance(entry);
      } catch (e) {
        this.logFor(session)?.warn({ seq, reason: (e as Error).message }, 'refused an entry from a peer');
        break;
      }
      if (entry.kind === LINE_DEFINE) {
        // Stored all the same (it is signed, and the log is positional), but a
        // definition other than the one offered is the author saying two things.
        const differs = !is.definition.Check(entry.body) ? 'body' : seq !== 0 ? 'position' : definitionDifference(line, entry.body);
        if (differs) await this.evidence(log, `${log.party} signed a definition of the line that differs from the one this station holds (${differs})`, { seq, entry: b64 });
      }
      const grown = appendLeaf(c, frontier, seq, leafHash(c, bytes));
      frontier = grown.frontier;
      accepted.push({ ...log, seq, bytes, nodes: grown.nodes });
      decoded.push(entry);
      size = seq + 1;
      frontierAt.set(size, frontier);
      checkpointKeys.set(size, keys.checkpointKey);
    }
    const checkpoints: CheckpointRecord[] = [];
    let cosignText: string | undefined;
    let cosignSize = 0;
    if (push.checkpoint) {
      let cp;
      try {
        // Signed by the key that signed the last entry it covers.
        const at = parseCheckpoint(parseNote(push.checkpoint).text).size;
        const key = checkpointKeys.get(at) ?? (await this.keys.checkpointKeyAt(log, at)) ?? parseVerifierKey(c, author.key);
        cp = openCheckpoint(c, { line: log.line, party: log.party, key }, push.checkpoint, [key]);
      } catch (e) {
        this.logFor(session)?.warn({ reason: (e as Error).message }, 'refused a checkpoint from a peer');
      }
      // Every checkpoint is held against our own tree of the author's entries,
      // even an old one: a mismatch is the author showing a second history.
      if (cp && cp.size <= size) {
        const grownTo = frontierAt.get(cp.size);
        const ours = grownTo ? frontierRoot(c, grownTo) : await this.rootAt(log, cp.size, accepted);
        if (!bytesEqual(ours, cp.root)) {
          const earlier = await store.latestCheckpoint(log);
          const proof = earlier && earlier.size >= cp.size ? consistencyProof(c, cp.size, earlier.size, await this.nodeLookup(log, consistencyProofNodeIds(cp.size, earlier.size))).map(toBase64) : [];
          if (accepted.length) await store.commit({ entries: accepted, checkpoints: [] });
          this.afterStore(log, size, frontier);
          await this.evidence(log, `${log.party} signed a checkpoint of size ${cp.size} that is not consistent with its own entries`, {
            checkpoint: push.checkpoint, earlierCheckpoint: earlier?.note ?? null, consistencyProof: proof,
          });
          return;
        }
        const held = await this.checkpointSize(log);
        if (cp.size > held) {
          checkpoints.push({ ...log, size: cp.size, note: push.checkpoint });
          cosignText = parseNote(push.checkpoint).text;
          cosignSize = cp.size;
        } else if (cp.size === 0 && held === 0 && !(await store.latestCheckpoint(log))) {
          // The party's signed empty log: kept so we can serve it, but there is nothing to receipt.
          checkpoints.push({ ...log, size: 0, note: push.checkpoint });
        }
      }
    }
    // Our receipt is signed now and stored in the same transaction as what it
    // acknowledges, so it is never sent for something not on disk.
    let cosign: Cosign | undefined;
    const cosignatures = [];
    if (cosignText) {
      const timestamp = Math.floor(this.deps.clock() / 1000);
      const receipt = signReceipt({ crypto: c, signer: this.deps.signer, me, pq: this.deps.pq?.() }, cosignText, timestamp);
      cosignatures.push({ ...log, size: cosignSize, cosigner: me, timestamp, ...receipt });
      cosign = { t: 'cosign', line: log.line, party: log.party, size: cosignSize, cosigner: me, ...receipt };
    }
    if (accepted.length || checkpoints.length) await store.commit({ entries: accepted, checkpoints, cosignatures });
    this.afterStore(log, size, frontier);
    if (checkpoints.length) this.checkpointSizes.set(keyOf(log), cosignSize);
    // The receipt first: the author is waiting for it. Then acknowledge (the peer's flow control), only now that it is on disk.
    if (cosign) for (const s of this.sessions) if (partyOf(line, s.peer)) s.send(cosign);
    session.send({ t: 'have', logs: [{ ...log, size }] });
    if (decoded.length) {
      this.keys.learn(log, size - decoded.length, decoded);
      this.deps.events.received(log, decoded);
      void this.announce(log);
      for (const e of decoded) if (e.kind === KEY_ROTATE) this.followRotation(e);
    }
  }

  /** A key.rotate entry just stored (its statement verified from the log's key): the party's pin moves if it still names the old key. */
  private followRotation(e: Entry): void {
    try {
      const r = parseRotation(this.deps.crypto, noteText((e.body as { statement: string }).statement));
      this.deps.rotated?.(e.party, r.old, r.new);
    } catch {
      // Verified before it was stored: nothing to do for a statement that does not parse.
    }
  }

  private afterStore(log: LogId, size: number, frontier: Frontier) {
    this.setSize(log, size);
    this.frontiers.set(keyOf(log), frontier);
    const waiting = this.waitingCosignatures.get(keyOf(log));
    if (!waiting) return;
    const ready = waiting.filter((w) => w.msg.size <= size);
    if (ready.length === 0) return;
    this.waitingCosignatures.set(keyOf(log), waiting.filter((w) => w.msg.size > size));
    // Outside the log's lock: onCosign reads the tree we just extended.
    setImmediate(() => {
      for (const w of ready) void this.onCosign(w.session, w.msg).catch(() => undefined);
    });
  }

  private async evidence(log: LogId, detail: string, material: Record<string, unknown>) {
    await this.deps.store.addEvidence({ ...log, time: this.deps.clock(), kind: 'equivocation', detail, material });
    this.deps.logger?.error({ party: log.party }, `equivocation: ${detail}`);
    this.deps.events.equivocation(log, detail);
  }

  private async checkpointSize(log: LogId): Promise<number> {
    const key = keyOf(log);
    if (!this.checkpointSizes.has(key)) this.checkpointSizes.set(key, (await this.deps.store.latestCheckpoint(log))?.size ?? 0);
    return this.checkpointSizes.get(key)!;
  }

  private async frontier(log: LogId, size: number): Promise<Frontier> {
    const cached = this.frontiers.get(keyOf(log));
    if (cached) return cached;
    const ids = frontierNodeIds(size);
    const lookup = await this.nodeLookup(log, ids);
    return ids.map(lookup);
  }

  /** Root of the log's first `size` entries from stored nodes plus nodes about to be stored. */
  private async rootAt(log: LogId, size: number, pending: AppendedEntry[]): Promise<Uint8Array> {
    if (size === 0) return frontierRoot(this.deps.crypto, []);
    const ids = perfectNodes(0, size);
    const fresh = new Map(pending.flatMap((e) => e.nodes.map((n) => [nodeKey(n), n.hash] as const)));
    const stored = await this.nodeLookup(log, ids.filter((id) => !fresh.has(nodeKey(id))));
    return hashNodes(this.deps.crypto, ids.map((id) => fresh.get(nodeKey(id)) ?? stored(id)));
  }

  private async nodeLookup(log: LogId, ids: Array<{ level: number; index: number }>) {
    const nodes = await this.deps.store.nodes(log, ids);
    return (id: { level: number; index: number }) => {
      const hash = nodes.get(nodeKey(id));
      if (!hash) throw new Error(`tree node ${nodeKey(id)} of ${log.party}'s log is missing`);
      return hash;
    };
  }

  private async locked(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }
}
