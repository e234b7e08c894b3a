import type { Crypto } from '../core/crypto.ts';
import { bytesEqual } from '../core/encoding.ts';
import { partyOf } from '../core/line.ts';
import { IntegrityError, LogVerifier, openCheckpoint } from '../core/log-verifier.ts';
import type { NodeId } from '../core/merkle/node.ts';
import { parseVerifierKey } from '../core/note/key.ts';
import type { LogId, Store } from './storage/store.ts';

const CHUNK = 4096;

/**
 * Re-derives every log from its stored entries: signatures, leaves, every
 * stored tree node, and the root against the latest signed checkpoint. A row
 * changed behind the station's back fails here, naming the first bad entry.
 */
export async function checkIntegrity(store: Store, c: Crypto, me: string): Promise<{ logs: number; entries: number }> {
  let total = 0;
  const logs = await store.logs();
  for (const log of logs) {
    const line = await store.line(log.line);
    const party = line && partyOf(line, log.party);
    if (!party) throw new IntegrityError(`a log is stored for ${log.party} on line ${log.line}, which does not name that party`);
    const key = parseVerifierKey(c, party.key);
    const pending: Array<NodeId & { hash: Uint8Array }> = [];
    const verifier = new LogVerifier(c, { line: log.line, party: log.party, key }, (n) => pending.push(n));
    const cp = await store.latestCheckpoint(log);
    // Our own log is checkpointed with every commit; a peer's may run ahead of
    // the last checkpoint it sent (its entries are signed one by one).
    const own = log.party === me;
    if (own && (!cp || cp.size !== log.size)) {
      throw new IntegrityError(`${log.party}'s log on line ${log.line} holds ${log.size} entries but its latest checkpoint is for ${cp?.size ?? 'none'}`);
    }
    if (cp && cp.size > log.size) throw new IntegrityError(`${log.party}'s log on line ${log.line} holds ${log.size} entries but a checkpoint for ${cp.size}`);
    let rootAtCheckpoint = cp?.size === 0 ? verifier.root() : undefined;
    for (let start = 0; start < log.size; start += CHUNK) {
      const entries = await store.entries(log, start, Math.min(log.size, start + CHUNK));
      if (entries.length !== Math.min(CHUNK, log.size - start)) {
        throw new IntegrityError(`${log.party}'s log on line ${log.line} is missing entries after ${start + entries.length - 1}`);
      }
      for (const bytes of entries) {
        verifier.add(bytes);
        if (cp && verifier.size === cp.size) rootAtCheckpoint = verifier.root();
      }
      await compareNodes(store, log, pending.splice(0));
    }
    if (cp) {
      const signed = openCheckpoint(c, { line: log.line, party: log.party, key }, cp.note);
      if (signed.size !== cp.size || !rootAtCheckpoint || !bytesEqual(rootAtCheckpoint, signed.root)) {
        throw new IntegrityError(`root of ${log.party}'s log on line ${log.line} at size ${cp.size} does not match its signed checkpoint`);
      }
    }
    total += log.size;
  }
  return { logs: logs.length, entries: total };
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
