import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve, type Serving } from '../src/station/serve.ts';
import { api, configure, eventually, freePort, makeStationDir, startStation, trustStation } from '../test/support/station.ts';
import { closedWithin, frame, malformedFrames, rawConnect, stream, upgrade, writeQuietly, type RawSocket } from '../test/support/raw-frames.ts';
import { receiptClock } from './receipts.ts';

// Delivery between two linked stations, quiet and then while 1,000 hostile
// connections hammer the receiving station's link port. Station A runs in
// this process (its receipts are timed from its own events); station B is a
// separate process and the one attacked; the attacker is a third process, so
// that its own work is not counted against A.

export interface HostileDelivery {
  quiet: { p50: number; p99: number; n: number };
  underAttack: { p50: number; p99: number; n: number };
  attack: AttackCounts & { connections: number };
  /** The attacked station's resident memory, before the attack and at its peak (MiB). */
  rssMiB: { before: number; peak: number };
}

interface AttackCounts {
  /** Connections attempted, by kind. */
  attempts: Record<Kind, number>;
  /** Of those, refused before TLS completed (the admission limits at work). */
  refused: number;
}

type Kind = 'hold' | 'garbage' | 'malformed' | 'oversized';
const KINDS: Kind[] = ['hold', 'garbage', 'malformed', 'oversized'];

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Delivery p50/p99 (append at A → B's cosignature back at A) at `rate`
 * entries/s for `seconds`, quiet and then under `connections` hostile
 * connections held open at once against B's link port. About 35 s in all.
 */
export async function hostileDelivery(options: { rate?: number; seconds?: number; connections?: number } = {}): Promise<HostileDelivery> {
  const rate = options.rate ?? 100;
  const seconds = options.seconds ?? 8;
  const connections = options.connections ?? 1000;
  const a = await makeStationDir('Alpha', { root: 'admin', duty: 'duty_officer' });
  const b = await makeStationDir('Bravo', { root: 'admin', duty: 'duty_officer' });
  for (const s of [a, b]) configure(s.dir, { heartbeatMs: 1000, lineTestMinutes: 0 });
  const bProc = await startStation(b.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  let serving: Serving | undefined;
  try {
    serving = await serve(a.dir, { listen: '127.0.0.1:0', peerListen: '127.0.0.1:0', logLevel: 'error' });
    trustStation(serving.url, a.dir);
    // Only A dials, so the link stands on B's listener: the port under attack.
    await api(bProc.url, b.tokens.root, 'POST', '/v1/peers', { name: 'Alpha', key: a.identity.vkey, urls: [] });
    await api(serving.url, a.tokens.root, 'POST', '/v1/peers', { name: 'Bravo', key: b.identity.vkey, urls: [bProc.linkUrl] });
    await eventually(async () => (await serving!.links.views()).some((l) => l.status === 'up'), 'link up', 20_000);
    await api(serving.url, a.tokens.root, 'POST', '/v1/lines', { id: 'bench', title: 'bench', parties: [b.identity.vkey], members: ['duty'] });
    await eventually(async () => (await api(bProc.url, b.tokens.root, 'GET', '/v1/lines/bench')).status === 200, 'line at B');

    const station = serving.station;
    const clock = receiptClock(station, 'bench', 'Alpha', 'Bravo');
    let written = 0;
    const measure = async () => {
      const total = rate * seconds;
      const t0 = performance.now();
      for (let i = 0; i < total; i++) {
        const wait = t0 + (i * 1000) / rate - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        clock.append(`bench ${written++}`);
      }
      return clock.settle(30_000);
    };

    const quiet = await measure();
    const pid = bProc.proc.pid!;
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => {
      const now = rssMiB(pid);
      if (Number.isFinite(now)) peak = Math.max(peak, now);
    }, 100);
    const attackMs = seconds * 1000 + 3000;
    const attacker = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'attack', bProc.linkUrl, String(connections), String(attackMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    attacker.stdout!.on('data', (d) => (out += d));
    const finished = new Promise<void>((r) => attacker.once('exit', () => r()));
    try {
      // Let the flood build up before measuring under it.
      await new Promise((r) => setTimeout(r, 2000));
      const underAttack = await measure();
      await finished;
      const counts = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as AttackCounts;
      return { quiet, underAttack, attack: { ...counts, connections }, rssMiB: { before, peak } };
    } finally {
      clearInterval(sampler);
      if (attacker.exitCode === null) attacker.kill('SIGKILL');
    }
  } finally {
    await serving?.close();
    await bProc.stop();
    a.cleanup();
    b.cleanup();
  }
}

/**
 * The attacker: `connections` workers, a quarter of each kind, each from its
 * own loopback address, each reconnecting as soon as the station drops it,
 * until `ms` have passed. Prints its counts as one line of JSON.
 */
async function attack(url: string, connections: number, ms: number): Promise<AttackCounts> {
  const until = Date.now() + ms;
  const attempts: Record<Kind, number> = { hold: 0, garbage: 0, malformed: 0, oversized: 0 };
  let refused = 0;
  const garbage = Buffer.alloc(16 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
  const bad = malformedFrames('client');
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const one = async (kind: Kind, address: string, n: number) => {
    attempts[kind]++;
    let s: RawSocket;
    try {
      s = await rawConnect(url, { localAddress: address, tls: kind !== 'garbage' });
    } catch {
      refused++;
      return;
    }
    try {
      if (kind === 'garbage') writeQuietly(s, garbage);
      else {
        if ((await upgrade(s, url)).status !== 101) return;
        if (kind === 'malformed') writeQuietly(s, bad[n % bad.length].bytes);
        if (kind === 'oversized') {
          writeQuietly(s, frame({ opcode: 0x1, declaredLength: 64n * 1024n * 1024n }).subarray(0, 14));
          await stream(s, chunk, 1024, until);
        }
      }
      await closedWithin(s, Math.max(0, until - Date.now()));
    } catch {
      // Dropped mid-attack: that is the station defending itself.
    } finally {
      s.destroy();
    }
  };
  const worker = async (w: number) => {
    const kind = KINDS[w % KINDS.length];
    const address = `127.1.${Math.floor(w / 250)}.${1 + (w % 250)}`;
    for (let n = 0; Date.now() < until; n++) {
      await one(kind, address, n);
      // A refused attacker retries at once; a brief pause keeps the attacker from starving its own event loop.
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  return { attempts, refused };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === 'attack') {
  const counts = await attack(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
  console.log(JSON.stringify(counts));
  process.exit(0);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `node --import tsx bench/hostile.ts`: run it alone and print the figures.
  console.log(JSON.stringify(await hostileDelivery(), null, 2));
}
