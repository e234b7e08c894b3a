import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { parseListen } from '../station/config.ts';
import { DEFAULT_LISTEN, WITNESS_CONFIG_FILE, writeWitnessConfig, type WitnessConfig } from './config.ts';
import { checkWitnessName, createWitnessIdentity, type WitnessIdentity } from './identity.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';

/** Creates a witness directory: cosigner key (0600), witness.json, empty database. */
export function createWitness(dir: string, name: string, listen = DEFAULT_LISTEN): WitnessIdentity {
  checkWitnessName(name);
  parseListen(listen);
  if (existsSync(join(dir, WITNESS_CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a witness`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config: WitnessConfig = { name, listen, database: 'witness.db', keyFile: 'witness.key' };
  const identity = createWitnessIdentity(name, join(dir, config.keyFile));
  new SqliteWitnessStore(join(dir, config.database)).close();
  // Written last: a directory with a config is a complete witness.
  writeWitnessConfig(dir, config);
  return identity;
}
