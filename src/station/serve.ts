import { logRedaction } from './log-redaction.ts';
import type { Server as HttpsServer } from 'node:https';
import pino, { type Logger } from 'pino';
import { HotlineError } from '../core/errors.ts';
import { buildApp } from './api/app.ts';
import { certificateFiles, ensureOwnCertificate, readKeyPair, type KeyPair } from './tls-certificate.ts';
import { watchCertificate, type CertificateWatch } from './api/tls-reload.ts';
import { parseListen, readConfig, type StationConfig } from './config.ts';
import { Station } from './station.ts';
import type { Links } from './link/links.ts';
import { Follower, membersFollowed } from './replica/follower.ts';
import { ReplicaSecret } from './replica/forwarder.ts';
import { startLeaderParts, type LeaderParts } from './replica/leader-parts.ts';
import { Lease } from './replica/lease.ts';
import { newReplicaId, replicated, type ReplicaStatus } from './replica/replica.ts';

export interface Serving {
  /** https://host:port (http:// only with plainHttp, on loopback). */
  url: string;
  /** SHA-256 fingerprint of the API's certificate (undefined over plain HTTP). */
  fingerprint?: string;
  /** Where peer stations connect (wss://…/link); on a follower, where it will listen once it leads. */
  linkUrl: string;
  /** The station as opened now (a replica opens it afresh after it loses the lease). */
  station: Station;
  /** The links to the peers: run by the leader only (a follower has none and throws). */
  links: Links;
  /** This replica's role and the leader it knows. */
  replica(): ReplicaStatus;
  /** Called on every change of role or leader. */
  onReplica(listener: (status: ReplicaStatus) => void): void;
  close(): Promise<void>;
}

export interface ServeOptions {
  listen?: string;
  peerListen?: string;
  logLevel?: string;
  plainHttp?: boolean;
  /** The URL other replicas pass writes to while this one leads (default: replica.advertise, else the listen URL). */
  advertise?: string;
  /** The station's clock (default Date.now): in-process tests move it instead of waiting for a check call's window to pass. */
  clock?: () => number;
}

/** What the API is served with, settled once per process. */
interface Site {
  dir: string;
  config: StationConfig;
  logger: Logger;
  host: string;
  port: number;
  /** The API's key pair as the files hold it now (a replica's later API servers start with a reloaded certificate). */
  pair: () => KeyPair | undefined;
  plain: boolean;
  peerListen: string;
  /** Called with every API server started, so certificate reloads reach it. */
  served: (server: unknown) => void;
  clock?: () => number;
}

/**
 * Opens the station in `dir` and serves it until closed. This is where the
 * parts are put together. On every process: the API, the console and the
 * live event stream. On the one that writes: the leader's parts (links,
 * replication and receipts, line tests, the scheduler, witnessing). A
 * station on SQLite is alone and always writes; on PostgreSQL it is one of
 * several replicas, the lease says which one leads, and the others follow
 * the store's change feed and pass writes on to the leader.
 */
export async function serve(dir: string, options: ServeOptions = {}): Promise<Serving> {
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info', redact: logRedaction });
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
  let certificate: CertificateWatch | undefined;
  const onHangup = () => void certificate?.reload();
  const site: Site = {
    dir, config, logger, host, port, plain, peerListen: options.peerListen ?? config.peerListen, clock: options.clock,
    pair: () => (plain ? undefined : certificate ? readKeyPair(files) : pair),
    // Every API server this process starts (a replica starts a new one after losing the lease) serves the reloaded files.
    served: (server) => {
      if (plain) return;
      certificate?.stop();
      certificate = watchCertificate(server as HttpsServer, files, site.pair()!, logger);
    },
  };
  if (pair) process.on('SIGHUP', onHangup);
  let serving: Served;
  try {
    serving = replicated(config.database) ? await serveReplica(site, options.advertise ?? config.replica.advertise) : await serveSingle(site);
  } catch (e) {
    certificate?.stop();
    process.off('SIGHUP', onHangup);
    throw e;
  }
  logger.info({ url: serving.url, linkUrl: serving.linkUrl, party: serving.station.name, replica: serving.replica(), ...(pair ? { fingerprint: certificate!.fingerprint() } : {}) }, 'station listening');
  return {
    url: serving.url,
    get linkUrl() {
      return serving.linkUrl;
    },
    get station() {
      return serving.station;
    },
    get links() {
      return serving.links;
    },
    get fingerprint() {
      return certificate?.fingerprint();
    },
    replica: serving.replica,
    onReplica: serving.onReplica,
    async close() {
      certificate?.stop();
      process.off('SIGHUP', onHangup);
      await serving.close();
    },
  };
}

type Served = Omit<Serving, 'fingerprint'>;

/** The API on the listen address, with the forwarder when this is a replica. */
async function startApi(site: Site, station: Station, replica: { status: () => ReplicaStatus; secret?: ReplicaSecret; port: number }) {
  const pair = site.pair();
  const app = await buildApp(station, { tls: pair, limits: station.config.apiLimits }, { status: replica.status, secret: replica.secret, certificate: pair?.cert });
  await app.listen({ host: site.host, port: replica.port });
  site.served(app.server);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : replica.port;
  const url = `${site.plain ? 'http' : 'https'}://${site.host.includes(':') ? `[${site.host}]` : site.host}:${port}`;
  return {
    app, url, port,
    close: () => app.close(),
  };
}

/** A station alone on its SQLite database: it always leads. */
async function serveSingle(site: Site): Promise<Served> {
  const station = await Station.open(site.dir, { logger: site.logger, clock: site.clock });
  const status: ReplicaStatus = { id: newReplicaId(), role: 'single', leader: null, epoch: null, ready: false, reason: 'starting' };
  let api: Awaited<ReturnType<typeof startApi>>;
  let parts: LeaderParts;
  try {
    api = await startApi(site, station, { status: () => status, port: site.port });
  } catch (e) {
    await station.close();
    throw e;
  }
  try {
    parts = await startLeaderParts(station, { dir: site.dir, peerListen: site.peerListen, logger: site.logger, announce: false });
  } catch (e) {
    await api.close();
    await station.close();
    throw e;
  }
  status.ready = true;
  delete status.reason;
  return {
    url: api.url, linkUrl: parts.linkUrl, station, links: parts.links,
    replica: () => status,
    onReplica: () => undefined,
    async close() {
      await parts.stop();
      await api.close();
      await station.close();
    },
  };
}

/** One life of a replica's serving parts: reopened from scratch after the lease is lost, so nothing a leader held in memory outlives its lead. */
interface Run {
  station: Station;
  api: Awaited<ReturnType<typeof startApi>>;
  follower?: Follower;
  parts?: LeaderParts;
  /** Set the moment the lease is lost: from then on this run forwards writes and says it follows. */
  demoted?: boolean;
}

/** One of several replicas on PostgreSQL: follows, and leads while it holds the lease. */
async function serveReplica(site: Site, advertised: string | undefined): Promise<Served> {
  const id = newReplicaId();
  const { logger } = site;
  const listeners = new Set<(status: ReplicaStatus) => void>();
  let lease: Lease | undefined;
  let run: Run | undefined;
  let secret: ReplicaSecret | undefined;
  let port = site.port;
  let closed = false;
  let first = true;

  const status = (): ReplicaStatus => {
    const s = lease?.current() ?? { role: 'follower' as const, leader: null };
    const leader = s.leader ? { id: s.leader.holder, url: s.leader.url } : null;
    if (s.role === 'leader' && run && !run.demoted) {
      return run.parts ? { id, role: 'leader', leader, epoch: s.epoch, ready: true } : { id, role: 'leader', leader, epoch: s.epoch, ready: false, reason: 'taking over: starting the leader\'s parts' };
    }
    const reason = !run?.follower ? 'opening the station' : !leader ? 'no replica leads at the moment' : !run.station.store.changesHeard() ? 'not hearing the database\'s change feed' : undefined;
    return { id, role: 'follower', leader, epoch: null, ready: reason === undefined, ...(reason ? { reason } : {}) };
  };

  /** Opens the station as a follower and serves the API; retried while the database cannot be reached. */
  async function open(): Promise<Run> {
    for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
      let station: Station | undefined;
      let api: Awaited<ReturnType<typeof startApi>> | undefined;
      let follower: Follower | undefined;
      try {
        station = await Station.open(site.dir, { logger, replica: id, clock: site.clock, ...(first ? {} : { check: false }) });
        secret = new ReplicaSecret(station.store);
        // Following before serving: a request that loads a line's state before the stored sizes are known would fold
        // it up to nothing, and later changes fold only what comes after.
        follower = new Follower(station);
        await follower.start();
        api = await startApi(site, station, { status, secret, port });
        port = api.port;
        const next: Run = { station, api, follower };
        const app = api.app;
        membersFollowed(station, () => app.recheckConsoles());
        first = false;
        return next;
      } catch (e) {
        follower?.close();
        await api?.close().catch(() => undefined);
        await station?.close().catch(() => undefined);
        // At start a fault is the operator's to see; once serving, the replica keeps trying.
        if (first || closed) throw e;
        logger.error({ replica: id, reason: (e as Error).message }, 'could not reopen the station; trying again');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async function close(r: Run): Promise<void> {
    r.demoted = true;
    r.follower?.close();
    await r.parts?.stop().catch((e) => logger.warn({ reason: (e as Error).message }, 'stopping the leader\'s parts failed'));
    // A database that went silent must not hold the replica in between runs: what is not closed in time is left behind.
    await bounded(r.api.close(), 5000);
    await bounded(r.station.close(), 5000);
  }

  /** Brings the run in line with the lease: leads when it holds it, follows (in a fresh run) when it lost it. */
  async function settle(): Promise<void> {
    while (!closed && lease && run) {
      const s = lease.current();
      if (s.role === 'leader' && !run.parts && !run.demoted) {
        try {
          await run.follower?.stop();
          run.follower = undefined;
          await run.station.lead(s.epoch);
          await secret!.get(true);
          run.parts = await startLeaderParts(run.station, { dir: site.dir, peerListen: site.peerListen, logger, announce: true });
          logger.info({ replica: id, epoch: s.epoch }, 'leading');
        } catch (e) {
          logger.error({ replica: id, reason: (e as Error).message }, 'could not take over as leader; giving the lease up');
          await lease.release();
          run.demoted = true;
        }
      } else if ((s.role !== 'leader' && run.parts) || run.demoted) {
        // Commits are fenced already; the leader's parts stop at once, then the serving parts start again as a follower.
        const old = run;
        await close(old);
        if (closed) return;
        run = await open();
        logger.info({ replica: id, leader: status().leader }, 'following');
      } else return;
    }
  }

  let settling = Promise.resolve();
  const changed = () => {
    settling = settling.then(settle).catch((e) => logger.error({ replica: id, reason: (e as Error).message }, 'could not change role'));
    void settling.then(() => {
      const now = status();
      for (const l of listeners) l(now);
    });
  };

  run = await open();
  const linkUrl = (() => {
    const peer = parseListen(site.peerListen);
    return `wss://${peer.host.includes(':') ? `[${peer.host}]` : peer.host}:${peer.port}/link`;
  })();
  lease = new Lease({ database: site.config.database, id, url: advertised ?? run.api.url, leaseMs: site.config.replica.leaseMs, logger });
  lease.onChange(changed);
  // The first look decides the role before the replica says it is listening.
  await lease.tick();
  changed();
  await settling;
  lease.start();
  return {
    url: run.api.url,
    get linkUrl() {
      return run?.parts?.linkUrl ?? linkUrl;
    },
    get station() {
      return run!.station;
    },
    get links(): Links {
      if (!run?.parts) throw new HotlineError('unavailable', 'this replica does not lead: the links run on the leader');
      return run.parts.links;
    },
    replica: status,
    onReplica: (l) => void listeners.add(l),
    async close() {
      closed = true;
      await settling;
      // The lease goes last: until the leader's parts have stopped, nobody else may start theirs.
      if (run) await close(run);
      await lease?.stop();
    },
  };
}

/** Waits for `work`, but at most `ms`; its failure is ignored. */
async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** 127.0.0.0/8, ::1 and localhost: where plain HTTP never leaves the machine. */
export function loopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
