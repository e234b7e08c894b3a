import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { readWitnessConfig, type WitnessConfig } from './config.ts';
import { openWitnessIdentity, type WitnessIdentity } from './identity.ts';
import { SqliteWitnessStore } from './sqlite-store.ts';

export interface OpenWitness {
  config: WitnessConfig;
  identity: WitnessIdentity;
  store: SqliteWitnessStore;
}

/**
 * Opens an existing witness directory. The key must name itself as the config
 * does: a cosignature/v1 signature does not cover the name, so a renamed key
 * would quietly become "another" witness with the same key.
 */
export function openWitness(dir: string): OpenWitness {
  const config = readWitnessConfig(dir);
  const identity = openWitnessIdentity(dir, config);
  if (identity.name !== config.name) {
    throw new HotlineError('bad_request', `the witness key is for '${identity.name}' but witness.json says '${config.name}'`);
  }
  return { config, identity, store: openWitnessStore(dir, config) };
}

/** The database alone, for operator commands that do not need the key. */
export function openWitnessStore(dir: string, config = readWitnessConfig(dir)): SqliteWitnessStore {
  // Refuse to create a fresh, empty database by accident: a witness that forgot
  // what it cosigned could be made to cosign a second history.
  const path = join(dir, config.database);
  if (!existsSync(path)) {
    throw new HotlineError('integrity', `the witness database ${path} is missing; a witness that lost what it cosigned must not cosign again with the same key`);
  }
  return new SqliteWitnessStore(path);
}
