import type { Server as HttpsServer } from 'node:https';
import pino from 'pino';
import { HotlineError } from '../core/errors.ts';
import { buildApp } from './api/app.ts';
import { certificateFiles, ensureOwnCertificate, readKeyPair } from './api/tls-certificate.ts';
import { watchCertificate, type CertificateWatch } from './api/tls-reload.ts';
import { parseListen, readConfig } from './config.ts';
import { Station } from './station.ts';
import { Links } from './link/links.ts';
import { tlsIdentity } from './link/tls.ts';
import { startLineTests } from './line-tester.ts';
import { Witnessing } from './link/witnessing.ts';
import { startScheduler } from './scheduler.ts';

export interface Serving {
  /** https://host:port (http:// only with plainHttp, on loopback). */
  url: string;
  /** SHA-256 fingerprint of the API's certificate (undefined over plain HTTP). */
  fingerprint?: string;
  /** Where peer stations connect (wss://…/link). */
  linkUrl: string;
  station: Station;
  links: Links;
  close(): Promise<void>;
}

/** Opens the station in `dir` and serves its API until closed. */
export async function serve(dir: string, options: { listen?: string; peerListen?: string; logLevel?: string; plainHttp?: boolean } = {}): Promise<Serving> {
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info' });
  // The transport is settled before the (possibly long) integrity check, so a bad setting fails at once.
  const config = readConfig(dir);
  const { host, port } = parseListen(options.listen ?? config.listen);
  const plain = options.plainHttp ?? config.plainHttp;
  if (plain && !loopback(host)) {
    throw new HotlineError('bad_request', `plain HTTP is allowed only on a loopback listen address (127.0.0.1, ::1 or localhost), not '${host}': tokens and passwords would cross the network in clear. Remove plainHttp from hotline.json or listen on loopback.`);
  }
  const files = certificateFiles(dir, config);
  if (!plain && files.own) await ensureOwnCertificate(dir, host);
  const pair = plain ? undefined : readKeyPair(files);
  const station = await Station.open(dir, { logger });
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(station, { tls: pair, limits: station.config.apiLimits });
    await app.listen({ host, port });
  } catch (e) {
    await station.close();
    throw e;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `${plain ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  let certificate: CertificateWatch | undefined;
  const onHangup = () => void certificate?.reload();
  if (pair) {
    certificate = watchCertificate(app.server as HttpsServer, files, pair, logger);
    process.on('SIGHUP', onHangup);
  }
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
    certificate?.stop();
    process.off('SIGHUP', onHangup);
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
  logger.info({ url, linkUrl, party: station.name, ...(pair ? { fingerprint: certificate!.fingerprint() } : {}) }, 'station listening');
  return {
    url,
    get fingerprint() {
      return certificate?.fingerprint();
    },
    linkUrl,
    station,
    links,
    async close() {
      certificate?.stop();
      process.off('SIGHUP', onHangup);
      stopTests();
      scheduler.stop();
      await links.stop();
      await app.close();
      await station.close();
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: where plain HTTP never leaves the machine. */
export function loopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
