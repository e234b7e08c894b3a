import type { Logger } from 'pino';
import { HotlineError } from '../../core/errors.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import type { StationConfig } from '../config.ts';
import type { Identity } from '../identity.ts';
import { recordedRotations } from '../keys/rekey.ts';
import { openKeySource } from '../keys/key-source.ts';
import { PeerKeys } from '../link/peer-keys.ts';
import { checkIntegrity } from '../integrity-check.ts';
import { exchangePolicyFromEnvironment, Links } from '../link/links.ts';
import { Replicator } from '../link/replicator.ts';
import type { Store } from '../storage/store.ts';
import { OwnLogHold } from './own-log-hold.ts';
import type { RecoveryReport } from './own-log-recovery.ts';

export interface LineRecovered {
  line: string;
  title: string;
  /** Our own log: held before, held now, and how it came back. */
  own: { from: number; to: number; state: RecoveryReport['state'] | 'current' | 'unheard'; peer?: string; detail?: string };
  /** Every party's log as held now. */
  logs: Array<{ party: string; size: number }>;
}

export interface RecoveryOutcome {
  reached: string[];
  unreachable: string[];
  lines: LineRecovered[];
}

/**
 * `hotline recover`: with the station stopped, dials its pinned peers over
 * the link protocol, takes back the lines they share with it and its own
 * logs of them (checked against its key and checkpoints), and the other
 * parties' logs, then hangs up. Signs nothing but receipts, and the size-0
 * checkpoint of a log a peer shows empty. Throws when no peer answered or
 * something did not verify.
 */
export async function recoverFromPeers(parts: { store: Store; identity: Identity; config: StationConfig; timeoutMs: number; logger?: Logger; dir?: string }): Promise<RecoveryOutcome> {
  const { store, identity, config, timeoutMs, logger } = parts;
  // Lines made before a rotation name a retired key for us: the key files say which were ours, even with the database gone.
  if (parts.dir) identity.signer.retire(openKeySource(parts.dir, config).retired?.() ?? []);
  const crypto = nodeCrypto;
  // What is held must itself be sound before anything is added to it.
  await checkIntegrity(store, crypto, identity.name);
  identity.signer.rotations = (await recordedRotations(store)).map((r) => r.statement);
  const peerKeys = new PeerKeys({ store, crypto, clock: Date.now, logger });
  await peerKeys.load();
  identity.signer.peerKeys = peerKeys;
  const peers = (await store.listPeers()).filter((p) => p.urls.length > 0);
  if (peers.length === 0) {
    throw new HotlineError('bad_request', 'recover: no peer is pinned with an address to dial; pin them first with hotline peer add NAME --key VKEY --url wss://…/link');
  }
  const replicator = new Replicator({
    store, crypto, signer: identity.signer, me: identity.name, myKeys: () => identity.signer.known(), clock: Date.now, logger,
    rotated: (party, from, to) => peerKeys.followed(party, from, to),
    events: { received: () => undefined, equivocation: () => undefined, cosigned: () => undefined },
    hold: new OwnLogHold(),
    // Never open a log on a timer here: only a peer's word opens one.
    listenMs: timeoutMs + 3_600_000,
  });
  await replicator.load();
  const links = new Links({
    store, crypto, signer: identity.signer, me: identity.name, replicator, heartbeatMs: config.heartbeatMs, clock: Date.now, logger,
    exchange: exchangePolicyFromEnvironment(process.env.HOTLINE_LINK_EXCHANGE, config.linkExchange),
  });
  const until = Date.now() + timeoutMs;
  try {
    await links.dialOut();
    while (Date.now() < until) {
      const heardAll = peers.every((p) => replicator.heard.has(p.name));
      if (heardAll && (await settled(store, replicator, identity.name))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Whatever is under way in the sessions' inboxes finishes before the store closes.
    await links.stop();
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    replicator.recovery.stop();
  }
  const reached = peers.filter((p) => replicator.heard.has(p.name)).map((p) => p.name);
  const unreachable = peers.filter((p) => !replicator.heard.has(p.name)).map((p) => p.name);
  if (reached.length === 0) {
    throw new HotlineError('unavailable', `recover: no peer could be reached in ${Math.round(timeoutMs / 1000)} s (tried ${peers.map((p) => `${p.name} at ${p.urls.join(', ')}`).join('; ')}); nothing was recovered`);
  }
  const reports = new Map(replicator.recovery.reports().map((r) => [r.line, r]));
  const waiting = new Set(replicator.recovery.waiting);
  const lines: LineRecovered[] = [];
  for (const line of await store.listLines()) {
    const held = new Map((await store.logs()).filter((l) => l.line === line.id).map((l) => [l.party, l.size]));
    const r = reports.get(line.id);
    const size = held.get(identity.name) ?? 0;
    lines.push({
      line: line.id, title: line.title,
      own: r ? { from: r.from, to: r.to, state: r.state, peer: r.peer, ...(r.detail ? { detail: r.detail } : {}) } : { from: size, to: size, state: waiting.has(line.id) ? 'unheard' : 'current' },
      logs: line.parties.map((p) => ({ party: p.name, size: held.get(p.name) ?? 0 })),
    });
  }
  return { reached, unreachable, lines };
}

/** Nothing left to wait for: no own log recovering or unheard, and every log as long as the peers showed it. */
async function settled(store: Store, replicator: Replicator, me: string): Promise<boolean> {
  if (replicator.recovery.waiting.length > 0) return false;
  if (replicator.recovery.reports().some((r) => r.state === 'recovering')) return false;
  const lines = new Set((await store.listLines()).map((l) => l.id));
  for (const [key, size] of replicator.shown) {
    const [line, party] = key.split('\n');
    if (!lines.has(line) || party === me) continue;
    if (replicator.size({ line, party }) < size) return false;
  }
  return true;
}
