import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../core/errors.ts';
import { readJsonConfig } from './json-config.ts';

/**
 * An Ed25519 key in a PKCS#11 token. The PIN is never in this file
 * (hotline.json is mode 0644 and is copied to every replica): it comes from
 * a file of its own or from the environment, as systemd credentials,
 * container secrets and p11-kit's pin-source do.
 */
export const Pkcs11KeyConfig = Type.Object(
  {
    module: Type.String({ minLength: 1, description: 'path of the token\'s PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so or the HSM vendor\'s library' }),
    token: Type.String({ minLength: 1, maxLength: 32, description: 'the token\'s label (softhsm2-util --show-slots, p11tool --list-tokens)' }),
    key: Type.String({ minLength: 1, description: 'CKA_LABEL of the Ed25519 key that signs now; rotation keeps this label on the current key' }),
    pinFile: Type.Optional(Type.String({ minLength: 1, description: 'a file (mode 0600, relative to the station directory) holding the user PIN, e.g. $CREDENTIALS_DIRECTORY/pin under systemd' })),
    pinEnv: Type.String({ default: 'HOTLINE_PKCS11_PIN', minLength: 1, description: 'the environment variable holding the user PIN when pinFile is not given' }),
  },
  { additionalProperties: false, description: 'an Ed25519 key (PKCS#11 3.0 CKK_EC_EDWARDS) in a token or HSM' },
);
export type Pkcs11KeyConfig = Static<typeof Pkcs11KeyConfig>;

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
    linkExchange: Type.Union([Type.Literal('hybrid'), Type.Literal('off')], { default: 'hybrid', description: 'hybrid: every link runs the X25519 + ML-KEM-768 key exchange inside TLS and seals its messages under it, and a peer that does not is refused; off: TLS alone (for a peer that cannot yet). Both ends must agree. HOTLINE_LINK_EXCHANGE=off overrides it for one process' }),
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
    pqSignatures: Type.Boolean({ default: false, description: 'whether checkpoints and receipts carry an ML-DSA-44 line beside the Ed25519 one (with station.mldsa.key). Off by default: pure-JavaScript ML-DSA costs several milliseconds per commit and receipt on Node 20 (npm run bench measures it); key statements carry ML-DSA lines either way' }),
    keyFile: Type.String({ default: 'station.key', description: 'the station\'s Ed25519 signing key file (mode 0600), relative to the station directory; not used when signer names a PKCS#11 token' }),
    signer: Type.Optional(Type.Object(
      { pkcs11: Pkcs11KeyConfig },
      { additionalProperties: false, description: 'where the signing key lives when it is not keyFile: a PKCS#11 token or HSM that signs without the key ever leaving it' },
    )),
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
