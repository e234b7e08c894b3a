import type { Logger } from 'pino';
import type { Crypto } from '../core/crypto.ts';
import { bytesEqual, toHex } from '../core/encoding.ts';
import { decodeEntry, verifyEntry } from '../core/entry.ts';
import { LogKeys } from '../core/keys/log-keys.ts';
import { partyOf } from '../core/line.ts';
import { IntegrityError, openCheckpoint } from '../core/log-verifier.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { appendLeaf, frontierNodeIds, frontierRoot, type Frontier } from '../core/merkle/frontier.ts';
import { nodeKey, type NodeId } from '../core/merkle/node.ts';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '../core/note/key.ts';
import { knownRevocations } from './keys/revocations.ts';
import { StoredLogKeys } from './keys/stored-log-keys.ts';
import type { LogId, Store } from './storage/store.ts';

const CHUNK = 4096;

/** How far a log has been verified: its size then and the root of that tree (hex). */
export interface VerifiedPosition {
  size: number;
  root: string;
  /** The key in use at that size (it signs the next entry), so a check from here need not read the log's key changes again. */
  key?: string;
  /** The key that signed the entry before it (and so the checkpoint of that size). */
  signedBy?: string;
}

export interface LogCheckOptions {
  /** Verify only entries from this position on, trusting what came before it. */
  from?: VerifiedPosition;
  /** Entries read and verified per step. */
  chunk?: number;
  /** Awaited between steps: a background check yields to the event loop here. */
  pause?: () => Promise<void>;
  /** Asked between steps: true ends the check early (returns undefined). */
  stopped?: () => boolean;
}

/**
 * Re-derives one log from its stored entries: signatures, leaves, every
 * stored tree node, and the root against the latest signed checkpoint. From
 * a verified position it checks only what was added since, after making
 * sure the stored tree nodes at that position still give the verified root,
 * so the chain from the old verified tree to the new checkpoint holds. A row
 * changed behind the station's back fails here, naming the first bad entry.
 */
export async function checkLog(store: Store, c: Crypto, me: string, log: LogId, options: LogCheckOptions = {}): Promise<VerifiedPosition | undefined> {
  const line = await store.line(log.line);
  const party = line && partyOf(line, log.party);
  if (!party) throw new IntegrityError(`a log is stored for ${log.party} on line ${log.line}, which does not name that party`);
  const name = `${log.party}'s log on line ${log.line}`;
  // The log's key where the check starts (its changes before it were verified then), followed through key.rotate and key.revoke.
  const stored = new StoredLogKeys(store, c);
  const from0 = options.from?.size ?? 0;
  const startKey = options.from?.key !== undefined ? parseVerifierKey(c, options.from.key) : ((await stored.verifierAt(log, from0)) ?? parseVerifierKey(c, party.key));
  const keys = new LogKeys(c, log.party, startKey, { revocations: await knownRevocations(store) });
  let checkpointKey: VerifierKey | undefined;
  // The size is read on both sides of the checkpoint: entries and their checkpoint are stored together, so a
  // size that moved meanwhile is a writer at work (a serving station, the leader beside a starting replica), not a fault.
  const before = await store.logSize(log);
  const cp = await store.latestCheckpoint(log);
  const size = await store.logSize(log);
  // Our own log is checkpointed with every commit; a peer's may run ahead of
  // the last checkpoint it sent (its entries are signed one by one).
  if (log.party === me && before === size && (!cp || cp.size !== size)) {
    throw new IntegrityError(`${name} holds ${size} entries but its latest checkpoint is for ${cp?.size ?? 'none'}`);
  }
  if (cp && cp.size > size) throw new IntegrityError(`${name} holds ${size} entries but a checkpoint for ${cp.size}`);
  const from = options.from?.size ?? 0;
  if (from > size) throw new IntegrityError(`${name} holds ${size} entries but ${from} were verified before`);
  let frontier: Frontier = from > 0 ? await storedFrontier(store, log, from, name) : [];
  if (options.from && toHex(frontierRoot(c, frontier)) !== options.from.root) {
    throw new IntegrityError(`the stored tree nodes of ${name} at size ${from} no longer give the root verified there`);
  }
  let rootAtCheckpoint: Uint8Array | undefined;
  if (cp && cp.size === from) rootAtCheckpoint = frontierRoot(c, frontier);
  else if (cp && cp.size < from) rootAtCheckpoint = frontierRoot(c, await storedFrontier(store, log, cp.size, name));
  const chunk = options.chunk ?? CHUNK;
  for (let start = from; start < size; start += chunk) {
    if (options.stopped?.()) return undefined;
    const end = Math.min(size, start + chunk);
    const entries = await store.entries(log, start, end);
    if (entries.length !== end - start) throw new IntegrityError(`${name} is missing entries after ${start + entries.length - 1}`);
    const nodes: Array<NodeId & { hash: Uint8Array }> = [];
    entries.forEach((bytes, i) => {
      const seq = start + i;
      try {
        const entry = verifyEntry(c, bytes, { line: log.line, party: log.party, seq, publicKey: keys.signerOf(decodeEntry(bytes)).publicKey });
        keys.advance(entry);
      } catch (e) {
        throw new IntegrityError(`entry ${seq} of ${log.party}'s log: ${(e as Error).message.replace(/^entry \d+ of [^:]*: /, '')}`, { party: log.party, seq });
      }
      const grown = appendLeaf(c, frontier, seq, leafHash(c, bytes));
      frontier = grown.frontier;
      nodes.push(...grown.nodes);
      if (cp && seq + 1 === cp.size) {
        rootAtCheckpoint = frontierRoot(c, frontier);
        checkpointKey = keys.checkpointKey;
      }
    });
    await compareNodes(store, log, nodes);
    await options.pause?.();
  }
  if (cp) {
    // Signed by the key that signed its last entry.
    const key = checkpointKey
      ?? (cp.size === from && options.from?.signedBy !== undefined ? parseVerifierKey(c, options.from.signedBy) : undefined)
      ?? (await stored.checkpointKeyAt(log, cp.size))
      ?? parseVerifierKey(c, party.key);
    const signed = openCheckpoint(c, { line: log.line, party: log.party, key }, cp.note, [key]);
    if (signed.size !== cp.size || !rootAtCheckpoint || !bytesEqual(rootAtCheckpoint, signed.root)) {
      throw new IntegrityError(`root of ${name} at size ${cp.size} does not match its signed checkpoint`);
    }
  }
  const at = (k: VerifierKey) => formatVerifierKey(c, k.name, k.publicKey, k.alg);
  const signedBy = size === from ? options.from?.signedBy : at(keys.checkpointKey);
  return { size, root: toHex(frontierRoot(c, frontier)), key: at(keys.current), ...(signedBy !== undefined ? { signedBy } : {}) };
}

/** Every log checked in full, at once: what `startupCheck: full` and `hotline verify`-style checks run. */
export async function checkIntegrity(store: Store, c: Crypto, me: string): Promise<{ logs: number; entries: number }> {
  let total = 0;
  const logs = await store.logs();
  for (const log of logs) total += (await checkLog(store, c, me, log))!.size;
  return { logs: logs.length, entries: total };
}

async function storedFrontier(store: Store, log: LogId, size: number, name: string): Promise<Frontier> {
  const ids = frontierNodeIds(size);
  const nodes = await store.nodes(log, ids);
  return ids.map((id) => {
    const hash = nodes.get(nodeKey(id));
    if (!hash) throw new IntegrityError(`stored tree node ${nodeKey(id)} of ${name} is missing`);
    return hash;
  });
}

async function compareNodes(store: Store, log: LogId, nodes: Array<NodeId & { hash: Uint8Array }>): Promise<void> {
  const byLevel = new Map<number, Array<NodeId & { hash: Uint8Array }>>();
  for (const n of nodes) (byLevel.get(n.level) ?? byLevel.set(n.level, []).get(n.level)!).push(n);
  for (const [level, list] of byLevel) {
    const start = list[0].index;
    const stored = await store.nodeRange(log, level, start, start + list.length);
    list.forEach((n, i) => {
      if (!stored[i] || !bytesEqual(stored[i], n.hash)) {
        const what = level === 0 ? `the stored leaf hash of entry ${n.index}` : `stored tree node ${level}/${n.index}`;
        throw new IntegrityError(`${what} of ${log.party}'s log on line ${log.line} does not match its entries`);
      }
    });
  }
}

export type IntegrityRunState = 'running' | 'passed' | 'failed' | 'stopped';

/** One full re-check, as the API shows it. */
export interface IntegrityRun {
  started: number;
  finished: number | null;
  state: IntegrityRunState;
  /** Why it ran: before serving, in the background after a start, or asked for. */
  reason: 'startup' | 'background' | 'on-demand';
  logs: number;
  entries: number;
  failure: string | null;
}

/** The setting that holds a log's last verified position. */
export function verifiedKey(log: LogId): string {
  return `integrity-verified:${log.line}/${log.party}`;
}

export async function verifiedPosition(store: Store, log: LogId): Promise<VerifiedPosition | undefined> {
  const v = (await store.setting(verifiedKey(log))) as Partial<VerifiedPosition> | null | undefined;
  if (!v || !Number.isSafeInteger(v.size) || typeof v.root !== 'string') return undefined;
  return { size: v.size!, root: v.root, ...(typeof v.key === 'string' ? { key: v.key } : {}), ...(typeof v.signedBy === 'string' ? { signedBy: v.signedBy } : {}) };
}

/**
 * Full re-checks of every log, run in the background (in small steps that
 * yield to the event loop, so requests keep being served) and on demand.
 * One runs at a time; asking while one runs joins it. A failure is logged at
 * error level and raised as an alarm: the station keeps serving, because
 * what is wrong is history already served, and the duty officer must see it.
 */
export class IntegrityChecks {
  private current?: { run: IntegrityRun; done: Promise<IntegrityRun> };
  private previous?: IntegrityRun;
  private stopping = false;

  constructor(private readonly deps: {
    store: Store;
    crypto: Crypto;
    me: string;
    logger?: Logger;
    onAlarm?: (alarm: { kind: 'integrity'; detail: string }) => void;
    clock?: () => number;
    /** Entries per step of a background check: small keeps each pause of the event loop short (128 entries ≈ 13 ms at 10,000 verifies/s). */
    chunk?: number;
  }) {}

  /** The running check, if any, and the last finished one. */
  status(): { running: IntegrityRun | null; last: IntegrityRun | null } {
    return { running: this.current ? { ...this.current.run } : null, last: this.previous ? { ...this.previous } : null };
  }

  /** Starts a full re-check, or joins the one running; resolves when it ends, never rejects. */
  full(reason: IntegrityRun['reason']): Promise<IntegrityRun> {
    if (this.current) return this.current.done;
    const clock = this.deps.clock ?? Date.now;
    const run: IntegrityRun = { started: clock(), finished: null, state: 'running', reason, logs: 0, entries: 0, failure: null };
    this.stopping = false;
    const done = this.run(run).then(
      () => {
        run.state = this.stopping ? 'stopped' : 'passed';
      },
      (e) => {
        run.state = 'failed';
        run.failure = (e as Error).message;
        this.deps.logger?.error({ reason: run.failure, check: reason }, 'integrity check failed: stored history does not match what was signed');
        this.deps.onAlarm?.({ kind: 'integrity', detail: run.failure });
      },
    ).then(() => {
      run.finished = clock();
      if (run.state === 'passed') this.deps.logger?.info({ logs: run.logs, entries: run.entries, ms: run.finished - run.started, check: reason }, 'full integrity check passed');
      this.previous = { ...run };
      this.current = undefined;
      return { ...run };
    });
    this.current = { run, done };
    return done;
  }

  /** Ends a running check at its next step; resolves once it has. */
  async stop(): Promise<void> {
    if (!this.current) return;
    this.stopping = true;
    await this.current.done;
  }

  private async run(run: IntegrityRun): Promise<void> {
    const { store, crypto, me } = this.deps;
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (const log of await store.logs()) {
      if (this.stopping) return;
      const position = await checkLog(store, crypto, me, log, { chunk: this.deps.chunk ?? 128, pause, stopped: () => this.stopping });
      if (!position) return;
      await recordVerified(store, log, position);
      run.logs++;
      run.entries += position.size;
    }
  }
}

/** Records a verified position, never moving it back (another check may have gone further meanwhile). */
export async function recordVerified(store: Store, log: LogId, position: VerifiedPosition): Promise<void> {
  const known = await verifiedPosition(store, log);
  if (known && known.size > position.size) return;
  await store.setSetting(verifiedKey(log), position);
}
