// witness.json, validated with TypeBox like the station's hotline.json. The
// witness is a separate service with its own directory: a third party runs it,
// so nothing here is shared with a station.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../core/errors.ts';

export const DEFAULT_LISTEN = '127.0.0.1:7780';

export const WitnessConfig = Type.Object(
  {
    name: Type.String({ description: 'The cosigner key name, ideally a schema-less URL such as witness.example.org/w1' }),
    listen: Type.String({ default: DEFAULT_LISTEN, description: 'host:port of the HTTP interface' }),
    database: Type.String({ default: 'witness.db' }),
    keyFile: Type.String({ default: 'witness.key' }),
  },
  { additionalProperties: false },
);
export type WitnessConfig = Static<typeof WitnessConfig>;

export const WITNESS_CONFIG_FILE = 'witness.json';

export function readWitnessConfig(dir: string): WitnessConfig {
  const path = join(dir, WITNESS_CONFIG_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new HotlineError('not_found', missing ? `no witness in ${resolve(dir)} (run 'hotline witness init' first)` : `${path} is not valid JSON`);
  }
  const config = Value.Default(WitnessConfig, raw);
  if (!Value.Check(WitnessConfig, config)) {
    const first = [...Value.Errors(WitnessConfig, config)][0];
    throw new HotlineError('bad_request', `${path}: ${first.path || '/'} ${first.message}`);
  }
  return config;
}

export function writeWitnessConfig(dir: string, config: WitnessConfig): void {
  writeFileSync(join(dir, WITNESS_CONFIG_FILE), JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
}
