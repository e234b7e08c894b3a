import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { validPartyName } from '../core/line.ts';
import { CONFIG_FILE, parseListen, writeConfig, type StationConfig } from './config.ts';
import { createIdentity, type Identity } from './identity.ts';
import { SqliteStore } from './storage/sqlite/sqlite-store.ts';

/** Creates a new station directory: key (0600), config, empty database. */
export async function createStation(dir: string, name: string, listen = '127.0.0.1:7700', peerListen?: string): Promise<Identity> {
  if (!validPartyName(name)) throw new HotlineError('bad_request', 'the party name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (existsSync(join(dir, CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a station`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { host, port } = parseListen(listen);
  peerListen ??= `${host.includes(':') ? `[${host}]` : host}:${port === 0 ? 0 : port + 1}`;
  parseListen(peerListen);
  const config: StationConfig = { name, listen, peerListen, heartbeatMs: 1000, lineTestMinutes: 60, schedulerMs: 1000, witnesses: [], database: 'station.db', keyFile: 'station.key', sessionHours: 12, startupCheck: 'full', iceServers: [] };
  const identity = createIdentity(name, join(dir, config.keyFile));
  await new SqliteStore(join(dir, config.database)).close();
  writeConfig(dir, config);
  return identity;
}
