// Appends per second with the station key in SoftHSM2, beside the same
// station with its file key, each with 64 concurrent writers; and the raw
// floor under each: Ed25519 signatures per second through PKCS#11 (one
// C_SignInit + C_Sign on one session, as the station signs) and through
// node:crypto. Prints nothing; bench/run.ts reports the figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generatePkcs11Key } from '../src/node/pkcs11-signer.ts';
import { Auth } from '../src/station/auth.ts';
import { addMember } from '../src/station/commands/member-creator.ts';
import { readConfig } from '../src/station/config.ts';
import { tokenExpiry } from '../src/station/sign-in/token-lifetime.ts';
import { openStore } from '../src/station/storage/open-store.ts';
import { softHsm } from '../test/support/softhsm.ts';
import { api, BIN, makeStationDir, PASSWORD, startStation } from '../test/support/station.ts';
import { appendRate } from './appends.ts';
import { ed25519Rates } from './floors.ts';

export interface HsmBench {
  writers: number;
  /** Appends/s, latency (ms) and count with the key in SoftHSM2 (the median round). */
  token: { rate: number; p50: number; p99: number; count: number };
  /** The same with the file key (station.key), in turns with the token's rounds. */
  file: { rate: number; p50: number; p99: number; count: number };
  /** Raw Ed25519 signatures/s in SoftHSM2 through pkcs11js: the token's floor. */
  tokenSignPerS: number;
  /** Raw Ed25519 signatures/s with node:crypto: the file key's floor. */
  fileSignPerS: number;
  /** Appends/s of each round, token and file taking turns. */
  rounds: { token: number[]; file: number[] };
}

type Rate = { rate: number; p50: number; p99: number; count: number };
const median = (rounds: Rate[]): Rate => [...rounds].sort((a, b) => a.rate - b.rate)[Math.floor(rounds.length / 2)];

const PIN = '246810';
const PIN_ENV = 'HOTLINE_BENCH_PKCS11_PIN';

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.stderr.on('data', (c) => (out += c));
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`hotline ${args[0]} exited with ${code}: ${out}`))));
  });
}

/** One station, its line and a duty officer's token; the caller stops it. */
async function benchStation(dir: string) {
  const store = await openStore(dir, readConfig(dir));
  let root: string;
  let duty: string;
  try {
    const auth = new Auth(store, Date.now);
    const r = await addMember(store, Date.now, { name: 'root', role: 'admin', password: PASSWORD });
    const d = await addMember(store, Date.now, { name: 'duty', role: 'duty_officer', password: PASSWORD });
    root = await auth.issue(r.id, 'token', 'bench', tokenExpiry(Date.now(), undefined));
    duty = await auth.issue(d.id, 'token', 'bench', tokenExpiry(Date.now(), undefined));
  } finally {
    await store.close();
  }
  const station = await startStation(dir);
  const made = await api(station.url, root, 'POST', '/v1/lines', { id: 'bench', title: 'Bench', parties: [], members: ['duty'] });
  if (made.status !== 201) throw new Error(`line create: ${made.status} ${made.text}`);
  return { station, duty };
}

/** `ms` is the load time of each station, split into `rounds` turns. */
export async function hsmAppendRate(options: { writers?: number; ms?: number; rounds?: number; floorMs?: number } = {}): Promise<HsmBench> {
  const { writers = 64, ms = 6000, rounds = 3, floorMs = 1500 } = options;
  const hsm = softHsm();
  const saved = { conf: process.env.SOFTHSM2_CONF, pin: process.env[PIN_ENV] };
  process.env.SOFTHSM2_CONF = hsm.env.SOFTHSM2_CONF;
  process.env[PIN_ENV] = PIN;
  const cleanups: Array<() => Promise<void> | void> = [() => hsm.cleanup()];
  try {
    hsm.initToken('hotline-bench', PIN);

    // The floor: the token's own signature rate, as the station asks for signatures (one session, one at a time).
    const raw = generatePkcs11Key({ module: hsm.module, token: 'hotline-bench', pin: PIN }, 'bench-floor');
    const message = new Uint8Array(300).fill(7);
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < floorMs) {
      raw.sign(message);
      n++;
    }
    const tokenSignPerS = (n * 1000) / (performance.now() - started);
    raw.close();
    const fileSignPerS = ed25519Rates(floorMs).sign;

    const dir = join(hsm.dir, 'station');
    await run(['init', '--name', 'Bench', '--dir', dir, '--listen', '127.0.0.1:0', '--pkcs11-module', hsm.module, '--pkcs11-token', 'hotline-bench', '--pkcs11-key', 'hotline-Bench', '--pkcs11-pin-env', PIN_ENV]);
    const inToken = await benchStation(dir);
    cleanups.push(() => inToken.station.stop());
    const fileDir = await makeStationDir('BenchFile');
    cleanups.push(() => fileDir.cleanup());
    const withFile = await benchStation(fileDir.dir);
    cleanups.push(() => withFile.station.stop());
    // Both stations run throughout and take turns, so that a busy moment of
    // the machine falls on both alike; each figure is the median of its rounds.
    const tokenRounds: Rate[] = [];
    const fileRounds: Rate[] = [];
    for (let i = 0; i < rounds; i++) {
      tokenRounds.push(await appendRate(inToken.station.url, inToken.duty, 'bench', writers, ms / rounds));
      fileRounds.push(await appendRate(withFile.station.url, withFile.duty, 'bench', writers, ms / rounds));
    }
    const token = median(tokenRounds);
    const file = median(fileRounds);
    return { writers, token, file, tokenSignPerS, fileSignPerS, rounds: { token: tokenRounds.map((r) => r.rate), file: fileRounds.map((r) => r.rate) } };
  } finally {
    for (const c of cleanups.reverse()) await c();
    if (saved.conf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = saved.conf;
    if (saved.pin === undefined) delete process.env[PIN_ENV];
    else process.env[PIN_ENV] = saved.pin;
  }
}
