import type { Logger } from 'pino';
import { parseListen } from '../config.ts';
import { startLineTests } from '../line-tester.ts';
import { exchangePolicyFromEnvironment, Links } from '../link/links.ts';
import { tlsIdentity } from '../link/tls.ts';
import { Witnessing } from '../link/witnessing.ts';
import { startScheduler } from '../scheduler.ts';
import type { Station } from '../station.ts';

export interface LeaderParts {
  links: Links;
  /** Where peer stations connect (wss://…/link). */
  linkUrl: string;
  /** Stops every part at once; what was in flight fails (and on a replica, its commits are fenced anyway). */
  stop(): Promise<void>;
}

/**
 * Everything that writes, run by one process only: the links to the peers
 * (and with them replication and receipts), the line tests, the scheduler
 * and witnessing. On a replica, the live events that do not come from
 * entries (receipts, alarms, link changes, call signalling, sender
 * deadlines) are also announced through the store, so consoles on the
 * other replicas hear them.
 */
export async function startLeaderParts(station: Station, options: { dir: string; peerListen: string; logger?: Logger; announce: boolean }): Promise<LeaderParts> {
  const { logger } = options;
  const offFeed = options.announce
    ? station.feed.subscribe((event) => {
      if (station.derivedFromEntries(event)) return;
      station.store.announce({ kind: 'feed', event }).catch((e) => logger?.warn({ reason: (e as Error).message, type: event.type }, 'could not announce a live event to the other replicas'));
    })
    : () => undefined;
  const links = new Links({
    store: station.store, crypto: station.crypto, signer: station.identity.signer, me: station.name,
    replicator: station.replicator, heartbeatMs: station.config.heartbeatMs, clock: station.clock, logger,
    exchange: exchangePolicyFromEnvironment(process.env.HOTLINE_LINK_EXCHANGE, station.config.linkExchange),
  });
  station.links = links;
  links.onStatus = (peer, status, previous) => station.events.emit('link', { peer, status, previous });
  links.onSignal = (from, signal) => void station.signals.received(from, signal).catch((e) => logger?.warn({ reason: (e as Error).message }, 'signal refused'));
  const peer = parseListen(options.peerListen);
  let linkUrl: string;
  try {
    linkUrl = await links.start(await tlsIdentity(options.dir), peer.host, peer.port);
  } catch (e) {
    offFeed();
    station.links = undefined;
    await links.stop();
    throw e;
  }
  const stopTests = startLineTests(station, station.config.lineTestMinutes * 60_000);
  const scheduler = startScheduler(station, station.config.schedulerMs);
  const witnessing = new Witnessing({ store: station.store, reader: station.reader, crypto: station.crypto, logger, isDiscreet: (line) => station.discreetLines.has(line) }, station.config.witnesses);
  const witnessed = (appended: Array<{ line: string }>) => {
    for (const line of new Set(appended.map((a) => a.line))) witnessing.checkpointed({ line, party: station.name });
  };
  if (witnessing.count > 0) station.appender.listeners.push(witnessed);
  return {
    links,
    linkUrl,
    async stop() {
      stopTests();
      scheduler.stop();
      const at = station.appender.listeners.indexOf(witnessed);
      if (at >= 0) station.appender.listeners.splice(at, 1);
      offFeed();
      await links.stop();
    },
  };
}
