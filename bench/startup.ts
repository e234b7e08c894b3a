// Years of records: how long a station with a 1,000,000-entry line takes
// from `hotline serve` to listening and to the first authenticated read of
// that line, and how much memory it holds then, beside the same figures for
// an empty station (the floor: process start, TLS, routes). Runnable alone:
//   node --import tsx bench/startup.ts [--entries N] [--runs N]
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { newSeed, nodeCrypto, signerFromSeed } from '../src/node/crypto.ts';
import { Auth } from '../src/station/auth.ts';
import { createLine } from '../src/station/commands/line-creator.ts';
import { addMember } from '../src/station/commands/member-creator.ts';
import { CONFIG_FILE } from '../src/station/config.ts';
import { createStation } from '../src/station/create.ts';
import { tokenExpiry } from '../src/station/sign-in/token-lifetime.ts';
import { Station } from '../src/station/station.ts';
import { fetchStation, makeStationDir, startStation, PASSWORD } from '../test/support/station.ts';

const CACHE = join(process.cwd(), 'bench/.cache');
const LINE = 'years';
const BUILD_VERSION = 'v3';

export interface StartupResult {
  entries: number;
  /** Building the station (real signatures, large commits), when not cached. */
  buildMs: number | null;
  /** A full integrity check of every log, in process (what `startupCheck: full` costs at each start). */
  fullCheckMs: number | null;
  runs: Array<{ listeningMs: number; firstReadMs: number; rssMiB: number; peakRssMiB: number }>;
  listeningMs: number;
  firstReadMs: number;
  rssMiB: number;
  peakRssMiB: number;
  /** The floor: the same measurements on an empty station (medians of as many starts, interleaved). */
  empty: { listeningMs: number; firstReadMs: number; rssMiB: number };
}

/** Builds (once, then cached in bench/.cache) a station whose line `years` holds `entries` entries. */
async function build(entries: number, log: (s: string) => void): Promise<{ dir: string; token: string; buildMs: number | null; fullCheckMs: number | null }> {
  mkdirSync(CACHE, { recursive: true });
  const dir = join(CACHE, `startup-${entries}`);
  const marker = join(CACHE, `startup-${entries}.done`);
  if (existsSync(marker)) {
    const done = JSON.parse(readFileSync(marker, 'utf8')) as { v: string; token: string; fullCheckMs: number };
    if (done.v === BUILD_VERSION) return { dir, token: done.token, buildMs: null, fullCheckMs: done.fullCheckMs };
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(marker, { force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  await createStation(dir, 'Bench', '127.0.0.1:0');
  // Measured as the deployment guide advises for years of records: only what was added since is checked before serving.
  const configFile = join(dir, CONFIG_FILE);
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), startupCheck: 'since-verified' }, null, 2) + '\n');
  let station = await Station.open(dir, { check: false });
  let token: string;
  try {
    const root = await addMember(station.store, Date.now, { name: 'root', role: 'admin', password: PASSWORD });
    const duty = await addMember(station.store, Date.now, { name: 'duty', role: 'duty_officer', password: PASSWORD });
    // The duty officer named on the line reads it, as a console does.
    token = await new Auth(station.store, Date.now).issue(duty.id, 'token', 'bench', tokenExpiry(Date.now(), undefined));
    const peer = formatVerifierKey(nodeCrypto, 'Peer', signerFromSeed(newSeed()).publicKey);
    await createLine(station, { id: root.id, name: root.name, role: root.role }, { id: LINE, title: 'Years of records', parties: [peer], members: ['duty'] });
    // Mostly hourly line tests, a message every 20 entries: what years on a quiet line look like.
    for (let done = 1; done < entries; ) {
      const n = Math.min(20_000, entries - done);
      await Promise.all([...Array(n)].map((_, i) => station.appender.append((done + i) % 20 === 0
        ? { line: LINE, kind: 'message', body: { text: `Routine report ${done + i}: nothing to report.`, from: 'duty', precedence: 'ROUTINE' } }
        : { line: LINE, kind: 'line.test', body: {} })));
      done += n;
      if (done % 200_000 < 20_000) log(`  built ${done} of ${entries} entries (${Math.round((performance.now() - started) / 1000)} s)`);
    }
  } finally {
    await station.close();
  }
  const buildMs = performance.now() - started;
  // The station has run before: one full check (recording the verified positions), the line state
  // snapshotted and the transcript index saved, as a serving station does as it goes.
  const checkStarted = performance.now();
  station = await Station.open(dir, { check: true });
  const fullCheckMs = performance.now() - checkStarted;
  try {
    const line = (await station.store.line(LINE))!;
    await station.lineStates.get(LINE);
    await station.lineStates.save();
    await station.transcripts.read(line, (party) => station.replicator.size({ line: LINE, party }), 0, 1);
  } finally {
    await station.close();
  }
  writeFileSync(marker, JSON.stringify({ v: BUILD_VERSION, token, fullCheckMs }));
  log(`  built in ${Math.round(buildMs / 1000)} s; a full integrity check took ${Math.round(fullCheckMs / 1000)} s`);
  return { dir, token, buildMs, fullCheckMs };
}

/** One `hotline serve` start: to listening, to the first authenticated read of the line, and its memory. */
async function measure(dir: string, token: string, path: string) {
  const started = performance.now();
  const station = await startStation(dir, '127.0.0.1:0', 120_000);
  const listeningMs = performance.now() - started;
  try {
    const res = await fetchStation(new URL(path, station.url), { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`first read answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    const firstReadMs = performance.now() - started;
    const status = readFileSync(`/proc/${station.proc.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { listeningMs, firstReadMs, rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } finally {
    await station.stop();
  }
}

export async function startupTime(options: { entries?: number; runs?: number; log?: (s: string) => void } = {}): Promise<StartupResult> {
  const entries = options.entries ?? 1_000_000;
  const runs = options.runs ?? 3;
  const log = options.log ?? console.log;
  const built = await build(entries, log);
  // The read a console makes on opening the line: its transcript's last page, and the line's state.
  const size = entries - 1;
  const readPath = `/v1/lines/${LINE}/transcript?start=${Math.max(0, size - 100)}&limit=100`;
  // Interleaved with the empty station's starts, so a machine that gets busier during the run burdens both alike.
  const empty = await makeStationDir('Empty', { root: 'admin' });
  const results = [];
  const floors = [];
  try {
    for (let r = 0; r < runs; r++) {
      results.push(await measure(built.dir, built.token, readPath));
      floors.push(await measure(empty.dir, empty.tokens.root, '/v1/lines'));
    }
  } finally {
    empty.cleanup();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    entries, buildMs: built.buildMs, fullCheckMs: built.fullCheckMs, runs: results,
    listeningMs: median(results.map((r) => r.listeningMs)),
    firstReadMs: median(results.map((r) => r.firstReadMs)),
    rssMiB: median(results.map((r) => r.rssMiB)),
    peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    empty: { listeningMs: median(floors.map((r) => r.listeningMs)), firstReadMs: median(floors.map((r) => r.firstReadMs)), rssMiB: median(floors.map((r) => r.rssMiB)) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { entries: { type: 'string' }, runs: { type: 'string' } } });
  const r = await startupTime({ entries: values.entries ? Number(values.entries) : undefined, runs: values.runs ? Number(values.runs) : undefined });
  console.log(JSON.stringify(r, null, 2));
  console.log(`start to listening ${Math.round(r.listeningMs)} ms (empty station ${Math.round(r.empty.listeningMs)} ms), to first read ${Math.round(r.firstReadMs)} ms; target < 3000 ms: ${r.firstReadMs < 3000 ? 'PASS' : 'MISS'}`);
  console.log(`resident memory ${Math.round(r.rssMiB)} MiB (peak ${Math.round(r.peakRssMiB)} MiB; empty station ${Math.round(r.empty.rssMiB)} MiB)`);
  process.exit(0);
}
