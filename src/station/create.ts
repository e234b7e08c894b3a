import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../core/errors.ts';
import { validPartyName } from '../core/line.ts';
import { CONFIG_FILE, StationConfig, parseListen, writeConfig } from './config.ts';
import { createIdentity, type Identity } from './identity.ts';
import { certificateFingerprint, createOwnCertificate } from './api/tls-certificate.ts';
import { SqliteStore } from './storage/sqlite/sqlite-store.ts';

export interface CreatedStation extends Identity {
  /** SHA-256 fingerprint of the API certificate made for the station (api.crt). */
  apiFingerprint: string;
}

/** Creates a new station directory: key (0600), the API's certificate and key (0600), config, empty database. */
export async function createStation(dir: string, name: string, listen = '127.0.0.1:7700', peerListen?: string): Promise<CreatedStation> {
  if (!validPartyName(name)) throw new HotlineError('bad_request', 'the party name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (existsSync(join(dir, CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a station`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { host, port } = parseListen(listen);
  peerListen ??= `${host.includes(':') ? `[${host}]` : host}:${port === 0 ? 0 : port + 1}`;
  parseListen(peerListen);
  const config = Value.Default(StationConfig, { name, listen, peerListen, heartbeatMs: 1000, lineTestMinutes: 60, schedulerMs: 1000, witnesses: [], database: 'station.db', keyFile: 'station.key', sessionHours: 12, startupCheck: 'full', iceServers: [] }) as StationConfig;
  const identity = createIdentity(name, join(dir, config.keyFile));
  const { cert } = await createOwnCertificate(dir, host);
  await new SqliteStore(join(dir, config.database)).close();
  writeConfig(dir, config);
  return { ...identity, apiFingerprint: certificateFingerprint(cert) };
}
