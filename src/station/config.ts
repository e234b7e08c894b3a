import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../core/errors.ts';
import { readJsonConfig } from './json-config.ts';

export const StationConfig = Type.Object(
  {
    name: Type.String({ description: 'This party\'s name: the signed-note key name' }),
    listen: Type.String({ default: '127.0.0.1:7700', description: 'host:port of the HTTP API' }),
    peerListen: Type.String({ default: '127.0.0.1:7701', description: 'host:port where peer stations connect (TLS WebSocket)' }),
    heartbeatMs: Type.Integer({ default: 1000, minimum: 20, description: 'link heartbeat interval; silent for 3 intervals is down' }),
    lineTestMinutes: Type.Number({ default: 60, minimum: 0, description: 'how often a signed line-test entry is written on each line (0: never)' }),
    schedulerMs: Type.Integer({ default: 1000, minimum: 20, maximum: 60000, description: 'longest wait between looks for due work (deadlines, ring timeouts, check calls); due moments are also woken for exactly' }),
    database: Type.String({ default: 'station.db' }),
    keyFile: Type.String({ default: 'station.key' }),
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
    startupCheck: Type.Union([Type.Literal('full'), Type.Literal('none')], { default: 'full' }),
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
