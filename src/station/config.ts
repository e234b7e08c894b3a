import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../core/errors.ts';
import { readJsonConfig } from './json-config.ts';

export const StationConfig = Type.Object(
  {
    name: Type.String({ description: 'This party\'s name: the signed-note key name' }),
    listen: Type.String({ default: '127.0.0.1:7700', description: 'host:port of the HTTPS API and console' }),
    tls: Type.Optional(Type.Object(
      {
        cert: Type.String({ minLength: 1, description: 'PEM certificate (chain) from the ministry\'s PKI; relative to the station directory' }),
        key: Type.String({ minLength: 1, description: 'its PEM private key' }),
      },
      { additionalProperties: false, description: 'the API\'s certificate and key files; reloaded when they change and on SIGHUP. Without them the station serves its own api.crt (made by hotline init)' },
    )),
    plainHttp: Type.Boolean({ default: false, description: 'serve the API over plain HTTP; refused unless the listen host is loopback' }),
    apiLimits: Type.Object(
      {
        maxConnections: Type.Integer({ default: 1024, minimum: 1, description: 'open API connections in all (links have their own listener)' }),
        maxConnectionsPerAddress: Type.Integer({ default: 128, minimum: 1, description: 'open API connections from one IPv4 address or IPv6 /64' }),
        handshakeTimeoutMs: Type.Integer({ default: 10_000, minimum: 100, description: 'a TLS handshake not finished by then is dropped' }),
        headersTimeoutMs: Type.Integer({ default: 10_000, minimum: 100, description: 'a request whose headers have not all arrived by then gets 408 and is closed' }),
        requestTimeoutMs: Type.Integer({ default: 30_000, minimum: 100, description: 'a request not wholly received by then gets 408 and is closed (not less than headersTimeoutMs)' }),
        keepAliveTimeoutMs: Type.Integer({ default: 5_000, minimum: 100, description: 'an idle kept-alive connection is closed after this' }),
      },
      { additionalProperties: false, default: {}, description: 'what keeps hostile connections from starving the API' },
    ),
    peerListen: Type.String({ default: '127.0.0.1:7701', description: 'host:port where peer stations connect (TLS WebSocket)' }),
    heartbeatMs: Type.Integer({ default: 1000, minimum: 20, description: 'link heartbeat interval; silent for 3 intervals is down' }),
    lineTestMinutes: Type.Number({ default: 60, minimum: 0, description: 'how often a signed line-test entry is written on each line (0: never)' }),
    schedulerMs: Type.Integer({ default: 1000, minimum: 20, maximum: 60000, description: 'longest wait between looks for due work (deadlines, ring timeouts, check calls); due moments are also woken for exactly' }),
    database: Type.String({ default: 'station.db', description: 'a SQLite file (relative to the station directory; the embedded default) or a postgresql:// URL (replicas share one)' }),
    replica: Type.Object(
      {
        leaseMs: Type.Integer({ default: 2000, minimum: 500, maximum: 60_000, description: 'how long the leader\'s lease lasts without renewal; another replica takes over after it lapses (PostgreSQL only)' }),
        advertise: Type.Optional(Type.String({ description: 'the https:// URL other replicas reach this one\'s API at, to pass writes to the leader; default: the listen address' })),
      },
      { additionalProperties: false, default: {}, description: 'several hotline serve processes on one PostgreSQL database: one leads, the others serve reads and pass writes on' },
    ),
    keyFile: Type.String({ default: 'station.key' }),
    witnesses: Type.Array(
      Type.Object({ key: Type.String({ description: 'the witness\'s cosignature/v1 verifier key' }), url: Type.String({ description: 'its tlog-witness submission prefix' }) }, { additionalProperties: false }),
      { default: [], description: 'neutral witnesses that cosign this station\'s checkpoints (never of discreet lines)' },
    ),
    sessionHours: Type.Number({ default: 12, minimum: 0.01 }),
    iceServers: Type.Array(
      Type.Object(
        { urls: Type.Union([Type.String(), Type.Array(Type.String())]), username: Type.Optional(Type.String()), credential: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
      { default: [], description: 'STUN/TURN servers the console gives WebRTC for calls (e.g. coturn); empty: host candidates only, enough on one network' },
    ),
    startupCheck: Type.Union([Type.Literal('full'), Type.Literal('since-verified'), Type.Literal('none')], { default: 'since-verified', description: 'before serving: check every log in full, only what was added since the last verified checkpoint (then everything in the background), or nothing' }),
  },
  { additionalProperties: false },
);
export type StationConfig = Static<typeof StationConfig>;

export const CONFIG_FILE = 'hotline.json';

export function readConfig(dir: string): StationConfig {
  return readJsonConfig(StationConfig, join(dir, CONFIG_FILE), "run 'hotline init' first");
}

export function writeConfig(dir: string, config: StationConfig): void {
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new HotlineError('bad_request', `listen address '${listen}' is not host:port`);
  return { host: m[1], port: Number(m[2]) };
}
