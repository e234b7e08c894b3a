import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../core/errors.ts';
import { validPartyName } from '../core/line.ts';
import { CONFIG_FILE, StationConfig, parseListen, writeConfig } from './config.ts';
import { createIdentity, type Identity } from './identity.ts';
import { certificateFingerprint, createOwnCertificate } from './tls-certificate.ts';
import { isPostgresUrl, openStore, redact } from './storage/open-store.ts';

export interface CreatedStation extends Identity {
  /** SHA-256 fingerprint of the API certificate made for the station (api.crt). */
  apiFingerprint: string;
}

export interface CreateStationOptions {
  /** A SQLite file relative to the directory (default station.db) or a postgresql:// URL, written into hotline.json. */
  database?: string;
  /** host:port for peer links; default: the API's port + 1. */
  peerListen?: string;
}

/**
 * Creates a new station directory: key (0600), the API's certificate and key
 * (0600), config, and its database made (or, on PostgreSQL, migrated) to the
 * latest schema. A string as the fourth argument is the peer listen address.
 */
export async function createStation(dir: string, name: string, listen = '127.0.0.1:7700', options: CreateStationOptions | string = {}): Promise<CreatedStation> {
  const { database = 'station.db', peerListen: peerListenOption } = typeof options === 'string' ? { peerListen: options } : options;
  let peerListen = peerListenOption;
  if (!validPartyName(name)) throw new HotlineError('bad_request', 'the party name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (existsSync(join(dir, CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a station`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { host, port } = parseListen(listen);
  peerListen ??= `${host.includes(':') ? `[${host}]` : host}:${port === 0 ? 0 : port + 1}`;
  parseListen(peerListen);
  const config = Value.Default(StationConfig, { name, listen, peerListen, heartbeatMs: 1000, lineTestMinutes: 60, schedulerMs: 1000, witnesses: [], database, keyFile: 'station.key', sessionHours: 12, iceServers: [] }) as StationConfig;
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
  const identity = createIdentity(name, join(dir, config.keyFile));
  const { cert } = await createOwnCertificate(dir, host);
  writeConfig(dir, config);
  return { ...identity, apiFingerprint: certificateFingerprint(cert) };
}
