import type { Logger } from 'pino';
import type { Crypto, PqSigner, Signer } from '../../core/crypto.ts';
import { bytesEqual, fromBase64, toBase64 } from '../../core/encoding.ts';
import { decodeEntry, verifyEntry, type Entry } from '../../core/entry.ts';
import { LogKeys } from '../../core/keys/log-keys.ts';
import { partyOf } from '../../core/line.ts';
import { parseCheckpoint } from '../../core/note/checkpoint.ts';
import { parseNote } from '../../core/note/note.ts';
import type { VerifierKey } from '../../core/note/key.ts';
import { bytesEqual as sameKey } from '../../core/encoding.ts';
import type { StoredLogKeys } from '../keys/stored-log-keys.ts';
import { definitionDifference, LINE_DEFINE, LineDefinitionBody } from '../../core/kinds/line-definition.ts';
import type { Push } from '../../core/link/messages.ts';
import { openCheckpoint } from '../../core/log-verifier.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from '../../core/merkle/frontier.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { signCheckpoint } from '../sign-checkpoint.ts';
import type { PeerSession } from '../link/peer-session.ts';
import type { AppendedEntry, LogId, Store } from '../storage/store.ts';
import type { OwnLogHold } from './own-log-hold.ts';

/** How long a restarted station waits to hear from a peer before it appends from its own stored size. */
export const LISTEN_MS = 5000;

const is = { definition: TypeCompiler.Compile(LineDefinitionBody) };

export interface RecoveryReport {
  line: string;
  /** The peer that first showed more of our log than we held. */
  peer: string;
  /** Entries of our log held before (a restored backup's, or 0). */
  from: number;
  /** Entries held now. */
  to: number;
  /** The largest size a peer showed. */
  target: number;
  state: 'recovering' | 'recovered' | 'failed';
  detail?: string;
}

interface Recovery extends RecoveryReport {
  /** Our entries verified one by one, past the last checkpoint stored: they go to disk with the checkpoint that covers them. */
  pending: AppendedEntry[];
  decoded: Entry[];
  /** The tree frontier after each pending entry, by size. */
  frontiers: Map<number, Frontier>;
  /** Our log's key past the entries taken so far (the log's own key changes followed). */
  keys?: LogKeys;
  /** The key that signed the last pending entry of each size: it signs that size's checkpoint. */
  checkpointKeys: Map<number, VerifierKey>;
}

export interface OwnLogRecoveryDeps {
  store: Store;
  crypto: Crypto;
  signer: Signer;
  me: string;
  /** Which key signed which entry of our stored log: what comes back is checked under the key at its position. */
  keys: StoredLogKeys;
  clock: () => number;
  logger?: Logger;
  hold: OwnLogHold;
  listenMs?: number;
  /** The station's ML-DSA-44 signer (a rotation swaps it); none: Ed25519 lines only. */
  pq?: () => PqSigner | undefined;
  /** Entries of a log the station holds (the replicator's view). */
  held(log: LogId): number;
  /** Whether the station holds its own log of the line at all (signed, even empty). */
  holdsOwnLog(line: string): boolean;
  frontier(log: LogId, size: number): Promise<Frontier>;
  rootAt(log: LogId, size: number): Promise<Uint8Array>;
  /** Signs the size-0 checkpoint of our log on a line (a peer showed it empty); false if it cannot be opened (the line refused). */
  openOwnLog(line: string): Promise<boolean>;
  /** Our recovered entries are on disk: sizes, waiting receipts, folding, relaying. */
  stored(log: LogId, size: number, frontier: Frontier, entries: Entry[]): void;
  evidence(log: LogId, detail: string, material: Record<string, unknown>): Promise<void>;
  recovering?(line: string, peer: string, held: number, shown: number): void;
  recovered?(report: RecoveryReport): void;
}

/**
 * Brings this station's own logs back from its peers when they hold more of
 * them than it does (a lost disk, an old backup). Every peer holds a copy of
 * our logs; what comes back is checked against our own key (each entry's
 * signature, line, party and position; each checkpoint's signature) and our
 * own tree (each checkpoint's root recomputed from the entries) before it is
 * stored, and until the log has caught up the appender is held, so this
 * station never signs a second history of a size it already signed.
 */
export class OwnLogRecovery {
  private readonly listening = new Map<string, NodeJS.Timeout>();
  private readonly recoveries = new Map<string, Recovery>();

  constructor(private readonly deps: OwnLogRecoveryDeps) {}

  /** Holds appends on the line until a peer says what it holds of our log (or LISTEN_MS passes). */
  listen(line: string): void {
    if (this.listening.has(line) || this.recoveries.get(line)?.state === 'recovering') return;
    this.deps.hold.wait(line);
    const timer = setTimeout(() => void this.settle(line, true).catch((e) => this.deps.logger?.warn({ line, reason: (e as Error).message }, 'could not open our log')), this.deps.listenMs ?? LISTEN_MS);
    timer.unref();
    this.listening.set(line, timer);
  }

  /** Lines still waiting to hear from a peer. */
  get waiting(): string[] {
    return [...this.listening.keys()];
  }

  reports(): RecoveryReport[] {
    return [...this.recoveries.values()].map(({ pending: _p, decoded: _d, frontiers: _f, ...r }) => r);
  }

  isRecovering(line: string): boolean {
    return this.recoveries.get(line)?.state === 'recovering';
  }

  stop(): void {
    for (const t of this.listening.values()) clearTimeout(t);
    this.listening.clear();
  }

  /** A peer's `have` said how much of our log on the line it holds. */
  async shown(session: PeerSession, line: string, size: number): Promise<void> {
    const log = { line, party: this.deps.me };
    const held = this.deps.held(log);
    const r = this.recoveries.get(line);
    if (size > held + (r?.state === 'recovering' ? r.pending.length : 0)) return this.begin(session, line, held, size);
    if (r?.state !== 'recovering') await this.settle(line, false);
  }

  private async settle(line: string, timedOut: boolean): Promise<void> {
    const timer = this.listening.get(line);
    if (!timer) return;
    clearTimeout(timer);
    this.listening.delete(line);
    if (timedOut) this.deps.logger?.warn({ line }, 'no peer of the line said in time what it holds of our log: appending from our own stored size');
    if (!this.deps.holdsOwnLog(line) && !(await this.deps.openOwnLog(line))) return;
    await this.deps.hold.release(line);
  }

  private async begin(session: PeerSession, line: string, held: number, size: number): Promise<void> {
    const { logger, store, clock } = this.deps;
    let r = this.recoveries.get(line);
    if (r?.state === 'recovering') {
      r.target = Math.max(r.target, size);
    } else {
      const timer = this.listening.get(line);
      if (timer) clearTimeout(timer);
      this.listening.delete(line);
      r = { line, peer: session.peer, from: held, to: held, target: size, state: 'recovering', pending: [], decoded: [], frontiers: new Map(), checkpointKeys: new Map() };
      this.recoveries.set(line, r);
      this.deps.hold.refuse(line, `recovering this station's log of line ${line} from peer ${session.peer}`);
      const detail = `${session.peer} holds ${size} entries of this station's log on line ${line}, this station ${held}: entries were lost here (a lost or restored database); recovering them before signing anything new`;
      logger?.error({ line, peer: session.peer, held, peerHolds: size }, `ALARM: this station had lost entries: ${detail}`);
      await store.addSecurityEvent({ time: clock(), kind: 'log.lost', member: null, actor: null, address: null, detail }).catch(() => undefined);
      this.deps.recovering?.(line, session.peer, held, size);
    }
    // Nothing to ask for: our `have` (sent when the link opened, or when we
    // joined the line) already told the peer our size, and a peer pushes any
    // log of a line to any party the line names.
  }

  /** A push of our own log: taken only while recovering it, and only what verifies under our key. */
  async receive(session: PeerSession, push: Push): Promise<void> {
    const r = this.recoveries.get(push.line);
    if (r?.state !== 'recovering') return;
    const { store, crypto: c, me, logger } = this.deps;
    const log = { line: push.line, party: me };
    const line = await store.line(push.line);
    if (!line) return;
    const lineKey = parseVerifierKey(c, partyOf(line, me)!.key);
    const committed = this.deps.held(log);
    r.keys ??= new LogKeys(c, me, (await this.deps.keys.verifierAt(log, committed)) ?? lineKey, { revocations: await this.deps.keys.revocations() });
    const keys = r.keys;
    let size = committed + r.pending.length;
    if (push.start > size) {
      session.send({ t: 'have', logs: [{ ...log, size }], resend: true });
      return;
    }
    let frontier = r.frontiers.get(size) ?? (await this.deps.frontier(log, committed));
    for (const [i, b64] of push.entries.entries()) {
      const seq = push.start + i;
      const bytes = fromBase64(b64);
      if (seq < size) {
        const held = seq < committed ? (await store.entries(log, seq, seq + 1))[0] : r.pending[seq - committed].bytes;
        if (held && !bytesEqual(held, bytes)) {
          // Evidence only if one of our keys signed it: anything else is a corrupt relay.
          const ours = seq < committed ? [(await this.deps.keys.verifierAt(log, seq)) ?? lineKey] : keys.chain.map((k) => k.key);
          if (!ours.some((key) => signedBy(c, bytes, log.line, me, seq, key))) continue;
          return this.fail(r, `this station signed two different entries at position ${seq}`, { seq, entries: [toBase64(held), b64] });
        }
        continue;
      }
      let entry: Entry;
      try {
        entry = verifyEntry(c, bytes, { line: log.line, party: me, seq, publicKey: keys.signerOf(decodeEntry(bytes)).publicKey });
        keys.advance(entry);
      } catch (e) {
        logger?.warn({ peer: session.peer, line: log.line, seq, reason: (e as Error).message }, 'refused an entry of our own log from a peer');
        break;
      }
      if (entry.kind === LINE_DEFINE) {
        const differs = !is.definition.Check(entry.body) ? 'body' : seq !== 0 ? 'position' : definitionDifference(line, entry.body);
        if (differs) return this.fail(r, `the line's definition held here differs from the one this station signed (${differs})`, { seq, entry: b64 });
      }
      const grown = appendLeaf(c, frontier, seq, leafHash(c, bytes));
      frontier = grown.frontier;
      r.pending.push({ ...log, seq, bytes, nodes: grown.nodes });
      r.decoded.push(entry);
      size = seq + 1;
      r.frontiers.set(size, frontier);
      r.checkpointKeys.set(size, keys.checkpointKey);
    }
    if (push.checkpoint) {
      let cp;
      try {
        const at = parseCheckpoint(parseNote(push.checkpoint).text).size;
        const key = r.checkpointKeys.get(at) ?? (await this.deps.keys.checkpointKeyAt(log, at)) ?? lineKey;
        cp = openCheckpoint(c, { line: log.line, party: me, key }, push.checkpoint, [key]);
      } catch (e) {
        logger?.warn({ peer: session.peer, reason: (e as Error).message }, 'refused a checkpoint of our own log from a peer');
      }
      if (cp && cp.size <= size) {
        const ours = cp.size > committed ? frontierRoot(c, r.frontiers.get(cp.size)!) : await this.deps.rootAt(log, cp.size);
        if (!bytesEqual(ours, cp.root)) return this.fail(r, `a checkpoint of size ${cp.size} signed by this station does not match its own entries`, { checkpoint: push.checkpoint });
        if (cp.size > committed) await this.store(r, cp.size, { ...log, size: cp.size, note: push.checkpoint });
      }
    }
    // Flow control: what we hold, stored or verified and waiting for its checkpoint.
    session.send({ t: 'have', logs: [{ ...log, size }] });
    if (size >= r.target) await this.finish(r);
  }

  /** Stores pending entries up to `size` with the checkpoint that covers them (ours, as a peer kept it, or signed now). */
  private async store(r: Recovery, size: number, checkpoint?: { line: string; party: string; size: number; note: string }): Promise<void> {
    const log = { line: r.line, party: this.deps.me };
    const committed = this.deps.held(log);
    const count = size - committed;
    const entries = r.pending.slice(0, count);
    const decoded = r.decoded.slice(0, count);
    const frontier = r.frontiers.get(size)!;
    const { crypto, signer, me } = this.deps;
    // A size is signed by the key that signed its last entry: only when that is the key we sign with now.
    const last = r.checkpointKeys.get(size);
    const maySign = !checkpoint && last !== undefined && sameKey(last.publicKey, signer.publicKey);
    await this.deps.store.commit({
      entries, checkpoints: checkpoint ? [checkpoint] : [], grewFrom: [{ ...log, size: committed }],
      // Entries all verified as ours, past the last checkpoint any peer kept: a size we have recovered, so we may sign it.
      ...(maySign ? { sign: () => [signCheckpoint({ crypto, signer, party: me, pq: this.deps.pq?.() }, r.line, size, frontier)] } : {}),
    });
    r.pending = r.pending.slice(count);
    r.decoded = r.decoded.slice(count);
    for (const s of r.frontiers.keys()) if (s < size) r.frontiers.delete(s);
    r.to = size;
    this.deps.stored(log, size, frontier, decoded);
  }

  private async finish(r: Recovery): Promise<void> {
    const log = { line: r.line, party: this.deps.me };
    const committed = this.deps.held(log);
    if (r.pending.length > 0) await this.store(r, committed + r.pending.length);
    r.state = 'recovered';
    r.to = this.deps.held(log);
    this.deps.logger?.warn({ line: r.line, peer: r.peer, from: r.from, to: r.to }, `recovered entries ${r.from}…${r.to - 1} of this station's log on line ${r.line} from ${r.peer}, each checked against this station's key and checkpoints; appending goes on at ${r.to}`);
    await this.deps.store.addSecurityEvent({ time: this.deps.clock(), kind: 'log.recovered', member: null, actor: null, address: null, detail: `line ${r.line}: entries ${r.from}…${r.to - 1} recovered from ${r.peer}` }).catch(() => undefined);
    await this.deps.hold.release(r.line);
    this.deps.recovered?.(this.reports().find((x) => x.line === r.line)!);
  }

  private async fail(r: Recovery, detail: string, material: Record<string, unknown>): Promise<void> {
    r.state = 'failed';
    r.detail = detail;
    r.pending = [];
    r.decoded = [];
    r.frontiers.clear();
    r.checkpointKeys.clear();
    r.keys = undefined;
    this.deps.hold.refuse(r.line, `recovery of this station's log of line ${r.line} failed: ${detail}`);
    await this.deps.evidence({ line: r.line, party: this.deps.me }, detail, material);
  }
}

function signedBy(c: Crypto, bytes: Uint8Array, line: string, party: string, seq: number, key: VerifierKey): boolean {
  try {
    verifyEntry(c, bytes, { line, party, seq, publicKey: key.publicKey });
    return true;
  } catch {
    return false;
  }
}
