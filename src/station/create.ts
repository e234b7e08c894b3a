import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../core/errors.ts';
import { signRevocation } from '../core/keys/revocation.ts';
import { validPartyName } from '../core/line.ts';
import { CONFIG_FILE, StationConfig, parseListen, writeConfig, type Pkcs11KeyConfig } from './config.ts';
import { createIdentityAt, type Identity } from './identity.ts';
import { createPqKey } from './keys/pq-key.ts';
import { nodeCrypto } from '../node/crypto.ts';
import { certificateFingerprint, createOwnCertificate } from './tls-certificate.ts';
import { isPostgresUrl, openStore, redact } from './storage/open-store.ts';

export interface CreatedStation extends Identity {
  /** SHA-256 fingerprint of the API certificate made for the station (api.crt). */
  apiFingerprint: string;
  /** The ML-DSA-44 verifier key (station.mldsa.key's): peers pin it with --pq-key. */
  pqVkey: string;
  /** The revocation statement (0600): to be moved offline, and published or used if the key is ever stolen. */
  revocationFile: string;
}

/** Beside the key at init; the operator moves it offline (`hotline key revoke --statement` reads it back). */
export const REVOCATION_FILE = 'revocation.txt';

export interface CreateStationOptions {
  /** A SQLite file relative to the directory (default station.db) or a postgresql:// URL, written into hotline.json. */
  database?: string;
  /** host:port for peer links; default: the API's port + 1. */
  peerListen?: string;
  /** Make the signing key in this PKCS#11 token (written into hotline.json as signer.pkcs11) instead of station.key. */
  pkcs11?: Pkcs11KeyConfig;
}

/**
 * Creates a new station directory: key (0600), the key's revocation statement
 * (revocation.txt, 0600), the API's certificate and key (0600), config, and
 * its database made (or, on PostgreSQL, migrated) to the latest schema. A string as the fourth argument is the peer listen address.
 */
export async function createStation(dir: string, name: string, listen = '127.0.0.1:7700', options: CreateStationOptions | string = {}): Promise<CreatedStation> {
  const { database = 'station.db', peerListen: peerListenOption, pkcs11 } = typeof options === 'string' ? { peerListen: options } : options;
  let peerListen = peerListenOption;
  if (!validPartyName(name)) throw new HotlineError('bad_request', 'the party name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (existsSync(join(dir, CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a station`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { host, port } = parseListen(listen);
  peerListen ??= `${host.includes(':') ? `[${host}]` : host}:${port === 0 ? 0 : port + 1}`;
  parseListen(peerListen);
  const config = Value.Default(StationConfig, { name, listen, peerListen, heartbeatMs: 1000, lineTestMinutes: 60, schedulerMs: 1000, witnesses: [], database, keyFile: 'station.key', sessionHours: 12, iceServers: [], ...(pkcs11 ? { signer: { pkcs11 } } : {}) }) as StationConfig;
  // The database first: an unreachable server fails init before a key is made for a station that cannot run.
  const store = await openStore(dir, config);
  try {
    // A shared server may hold another station's database: never make a second station on top of it.
    if (isPostgresUrl(database) && ((await store.logs()).length > 0 || (await store.listMembers()).length > 0 || (await store.listLines()).length > 0)) {
      throw new HotlineError('conflict', `${redact(database)} already holds a station's records: give each station a database of its own (replicas copy the station directory instead of running init)`);
    }
  } finally {
    await store.close();
  }
  const identity = createIdentityAt(dir, config);
  // The post-quantum key beside it (a file even when the Ed25519 key is in a token: tokens have no ML-DSA yet).
  const pq = createPqKey(dir, name);
  // Made now, while the key is surely the party's own: a thief could make one too, but could never make one for the party after losing the key.
  const revocationFile = join(dir, REVOCATION_FILE);
  writePrivate(revocationFile, signRevocation(nodeCrypto, name, identity.vkey, identity.signer, { key: pq.vkey, signer: pq.signer }));
  const { cert } = await createOwnCertificate(dir, host);
  writeConfig(dir, config);
  return { ...identity, pqVkey: pq.vkey, apiFingerprint: certificateFingerprint(cert), revocationFile };
}

/** A new file, mode 0600, on disk before it returns. */
function writePrivate(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
