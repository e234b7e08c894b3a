import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { parseListen } from '../station/config.ts';
import { DEFAULT_LISTEN, WITNESS_CONFIG_FILE, writeWitnessConfig, type WitnessConfig } from './config.ts';
import { checkWitnessName, makeWitnessIdentity, type WitnessIdentity } from './identity.ts';
import type { Pkcs11KeyConfig } from '../station/config.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';

/** Creates a witness directory: cosigner key (0600), witness.json, empty database. */
export function createWitness(dir: string, name: string, listen = DEFAULT_LISTEN, options: { pkcs11?: Pkcs11KeyConfig } = {}): WitnessIdentity {
  checkWitnessName(name);
  parseListen(listen);
  if (existsSync(join(dir, WITNESS_CONFIG_FILE))) throw new HotlineError('conflict', `${resolve(dir)} already holds a witness`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config: WitnessConfig = { name, listen, database: 'witness.db', keyFile: 'witness.key', ...(options.pkcs11 ? { signer: { pkcs11: options.pkcs11 } } : {}) };
  const identity = makeWitnessIdentity(dir, config);
  new SqliteWitnessStore(join(dir, config.database)).close();
  // Written last: a directory with a config is a complete witness.
  writeWitnessConfig(dir, config);
  return identity;
}
