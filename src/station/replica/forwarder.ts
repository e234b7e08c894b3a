import { X509Certificate, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Agent, buildConnector, request } from 'undici';
import { HotlineError } from '../../core/errors.ts';
import type { Store } from '../storage/store.ts';
import type { ReplicaStatus } from './replica.ts';

/** Who sent the request to the follower: believed only with the replicas' shared secret. */
export const CLIENT_ADDRESS = 'x-hotline-client-address';
export const REPLICA_SECRET = 'x-hotline-replica-secret';
/** The replica that forwarded a request: the leader never forwards it again (no loops during a failover). */
export const FORWARDED_BY = 'x-hotline-forwarded-by';
const SECRET_SETTING = 'replica.forwardSecret';

/** Headers that belong to one connection, not to the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization']);
const OURS = new Set([CLIENT_ADDRESS, REPLICA_SECRET, FORWARDED_BY]);

/**
 * Reads that need the leader's memory rather than the database: link
 * status and call signalling live in the process that runs the links.
 */
const LEADER_READS = [/^\/v1\/links\/?(\?|$)/, /^\/v1\/lines\/[^/]+\/calls\/[^/]+\/signals\/?(\?|$)/, /^\/v1\/lines\/[^/]+\/summary\/?(\?|$)/];

/** Whether a follower passes this request to the leader: every write under /v1/, and the reads above. */
export function forwarded(method: string, url: string): boolean {
  if (!url.startsWith('/v1/')) return false;
  if (method === 'GET' || method === 'HEAD') return LEADER_READS.some((r) => r.test(url));
  // A ticket is stored in the database: any replica makes one that every replica takes.
  return !(method === 'POST' && /^\/v1\/events\/ticket\/?(\?|$)/.test(url));
}

/**
 * The secret the leader trusts a forwarded client address with, kept in the
 * database every replica shares; made by the first leader that needs it.
 */
export class ReplicaSecret {
  private value?: Promise<string | null>;

  constructor(private readonly store: Store) {}

  get(create = false): Promise<string | null> {
    const v = (this.value ??= this.read(create));
    // Not there yet (no leader made it): ask again next time.
    void v.then((s) => {
      if (s === null && this.value === v) this.value = undefined;
    }, () => {
      if (this.value === v) this.value = undefined;
    });
    return v;
  }

  private async read(create: boolean): Promise<string | null> {
    const stored = await this.store.setting(SECRET_SETTING);
    if (typeof stored === 'string') return stored;
    if (!create) return null;
    const made = randomBytes(32).toString('base64url');
    await this.store.setSetting(SECRET_SETTING, made);
    return made;
  }
}

/** SHA-256 of a certificate's public key (SPKI): what the replicas' shared api.crt is pinned by. */
export function spkiHash(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

export interface ForwarderOptions {
  /** This replica: its role and the leader it knows. */
  status: () => ReplicaStatus;
  secret: ReplicaSecret;
  /** The certificate every replica serves (the station's api.crt, or its operator's): the leader must present its key. Absent over plain HTTP. */
  certificate?: string;
}

/**
 * On a follower, passes writes to the leader: method, path and query,
 * headers (the bearer token and the Host the client used, which the leader's
 * origin check compares with), body, and back the status, headers and body.
 * The leader is reached at the URL it advertises in the lease and must
 * present the replicas' own certificate key. The client's address goes in a
 * header the leader believes only with the replicas' shared secret, so the
 * sign-in throttle still counts per address. With no leader known the
 * answer is 503, with Retry-After.
 */
export function forwarder(app: FastifyInstance, options: ForwarderOptions): { close(): Promise<void> } {
  const pin = options.certificate ? spkiHash(options.certificate) : undefined;
  const dispatcher = new Agent({ connect: pinnedConnector(pin), headersTimeout: 30_000, bodyTimeout: 30_000, keepAliveTimeout: 4_000 });

  app.addHook('onRequest', async (req, reply) => {
    const me = options.status();
    if (me.role !== 'follower' || !forwarded(req.method, req.url)) return;
    if (req.headers[FORWARDED_BY]) {
      throw new HotlineError('unavailable', `this replica (${me.id}) does not lead any more; the leader changed while the request was passed on: try again`, { retryAfter: 1 });
    }
    if (!me.leader) throw unavailable('no replica leads at the moment (a failover is under way)');
    await pass(req, reply, me, me.leader);
    return reply;
  });

  async function pass(req: FastifyRequest, reply: FastifyReply, me: ReplicaStatus, leader: { id: string; url: string }): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || OURS.has(name)) continue;
      headers[name] = value;
    }
    headers[FORWARDED_BY] = me.id;
    const secret = await options.secret.get().catch(() => null);
    if (secret) {
      headers[REPLICA_SECRET] = secret;
      headers[CLIENT_ADDRESS] = req.ip;
    }
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    let answer;
    try {
      answer = await request(new URL(req.url, leader.url), {
        method: req.method as 'POST', headers, body: hasBody ? req.raw : undefined, dispatcher,
      });
    } catch (e) {
      throw unavailable(`the leader (${leader.id} at ${leader.url}) did not answer: ${(e as Error).message}`);
    }
    const body = Buffer.from(await answer.body.arrayBuffer());
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === 'content-length') continue;
      reply.header(name, value);
    }
    await reply.send(body);
  }

  return { close: () => dispatcher.close() };
}

function unavailable(reason: string): HotlineError {
  return new HotlineError('unavailable', `${reason}; try again in a moment`, { retryAfter: 1 });
}

/** Trusts exactly the replicas' own key, whatever name or address the leader is reached at. */
function pinnedConnector(pin: string | undefined): buildConnector.connector {
  const base = buildConnector({ rejectUnauthorized: false });
  return (opts, callback) => base(opts, (err, socket) => {
    if (err || !pin || opts.protocol !== 'https:') return err ? callback(err, null) : callback(null, socket!);
    const cert = (socket as TLSSocket).getPeerX509Certificate();
    const hash = cert ? createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') : '';
    if (!equal(hash, pin)) {
      socket!.destroy();
      return callback(new Error('the leader did not present this station\'s certificate key'), null);
    }
    callback(null, socket!);
  });
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * On every replica: a request passed on by a follower carries the client's
 * address, believed only with the shared secret; then the throttle and the
 * security log see the client, not the follower.
 */
export function trustForwardedAddress(app: FastifyInstance, secret: ReplicaSecret): void {
  app.addHook('onRequest', async (req) => {
    const claimed = req.headers[REPLICA_SECRET];
    const address = req.headers[CLIENT_ADDRESS];
    if (typeof claimed !== 'string' || typeof address !== 'string') return;
    const known = await secret.get().catch(() => null);
    if (known && equal(claimed, known)) Object.defineProperty(req, 'ip', { value: address, configurable: true });
  });
}
