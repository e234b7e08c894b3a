import pino from 'pino';
import { buildApp } from './api/app.ts';
import { parseListen } from './config.ts';
import { Station } from './station.ts';
import { Links } from './link/links.ts';
import { tlsIdentity } from './link/tls.ts';
import { startLineTests } from './line-tester.ts';
import { Witnessing } from './link/witnessing.ts';
import { startScheduler } from './scheduler.ts';

export interface Serving {
  url: string;
  /** Where peer stations connect (wss://…/link). */
  linkUrl: string;
  station: Station;
  links: Links;
  close(): Promise<void>;
}

/** Opens the station in `dir` and serves its API until closed. */
export async function serve(dir: string, options: { listen?: string; peerListen?: string; logLevel?: string } = {}): Promise<Serving> {
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info' });
  const station = await Station.open(dir, { logger });
  const app = await buildApp(station);
  const { host, port } = parseListen(options.listen ?? station.config.listen);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await station.close();
    throw e;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const links = new Links({
    store: station.store, crypto: station.crypto, signer: station.identity.signer, me: station.name,
    replicator: station.replicator, heartbeatMs: station.config.heartbeatMs, clock: station.clock, logger,
  });
  station.links = links;
  links.onStatus = (peer, status, previous) => station.events.emit('link', { peer, status, previous });
  links.onSignal = (from, signal) => void station.signals.received(from, signal).catch((e) => logger.warn({ reason: (e as Error).message }, 'signal refused'));
  const peer = parseListen(options.peerListen ?? station.config.peerListen);
  let linkUrl: string;
  try {
    linkUrl = await links.start(await tlsIdentity(dir), peer.host, peer.port);
  } catch (e) {
    await app.close();
    await station.close();
    throw e;
  }
  const stopTests = startLineTests(station, station.config.lineTestMinutes * 60_000);
  const scheduler = startScheduler(station, station.config.schedulerMs);
  const witnessing = new Witnessing({ store: station.store, reader: station.reader, crypto: station.crypto, logger, isDiscreet: (line) => station.discreetLines.has(line) }, station.config.witnesses);
  if (witnessing.count > 0) {
    station.appender.listeners.push((appended) => {
      for (const line of new Set(appended.map((a) => a.line))) witnessing.checkpointed({ line, party: station.name });
    });
  }
  logger.info({ url, linkUrl, party: station.name }, 'station listening');
  return {
    url,
    linkUrl,
    station,
    links,
    async close() {
      stopTests();
      scheduler.stop();
      await links.stop();
      await app.close();
      await station.close();
    },
  };
}
