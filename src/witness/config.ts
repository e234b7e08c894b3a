import { readJsonConfig } from '../station/json-config.ts';
// witness.json, validated with TypeBox like the station's hotline.json. The
// witness is a separate service with its own directory: a third party runs it,
// so nothing here is shared with a station (but the shape of a PKCS#11 key).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Pkcs11KeyConfig } from '../station/config.ts';

export const DEFAULT_LISTEN = '127.0.0.1:7780';

export const WitnessConfig = Type.Object(
  {
    name: Type.String({ description: 'The cosigner key name, ideally a schema-less URL such as witness.example.org/w1' }),
    listen: Type.String({ default: DEFAULT_LISTEN, description: 'host:port of the HTTP interface' }),
    database: Type.String({ default: 'witness.db' }),
    keyFile: Type.String({ default: 'witness.key', description: 'the cosigning key file (mode 0600); not used when signer names a PKCS#11 token' }),
    signer: Type.Optional(Type.Object(
      { pkcs11: Pkcs11KeyConfig },
      { additionalProperties: false, description: 'the cosigning key in a PKCS#11 token or HSM instead of keyFile; give it a label of its own: this key must sign cosignatures only' },
    )),
  },
  { additionalProperties: false },
);
export type WitnessConfig = Static<typeof WitnessConfig>;

export const WITNESS_CONFIG_FILE = 'witness.json';

export function readWitnessConfig(dir: string): WitnessConfig {
  return readJsonConfig(WitnessConfig, join(dir, WITNESS_CONFIG_FILE), "run 'hotline witness init' first");
}

export function writeWitnessConfig(dir: string, config: WitnessConfig): void {
  writeFileSync(join(dir, WITNESS_CONFIG_FILE), JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
}
