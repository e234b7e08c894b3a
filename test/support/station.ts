import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch, type RequestInit } from 'undici';
import { readConfig } from '../../src/station/config.ts';
import { certificateFiles } from '../../src/station/tls-certificate.ts';
import { addMember } from '../../src/station/commands/member-creator.ts';
import { createStation } from '../../src/station/create.ts';
import type { Identity } from '../../src/station/identity.ts';
import { Auth } from '../../src/station/auth.ts';
import { openStore } from '../../src/station/storage/open-store.ts';
import { tokenExpiry } from '../../src/station/sign-in/token-lifetime.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin/hotline.mjs');
export const PASSWORD = 'correct horse battery';

export interface StationDir {
  dir: string;
  identity: Identity;
  /** API tokens by member name. */
  tokens: Record<string, string>;
  cleanup(): void;
}

/**
 * A fresh station directory with members (name → role) and a token for each;
 * its database a SQLite file, or the PostgreSQL URL given (a database of its own, see test/support/postgres.ts).
 */
export async function makeStationDir(name: string, members: Record<string, string> = {}, options: { database?: string } = {}): Promise<StationDir> {
  const dir = mkdtempSync(join(tmpdir(), `hotline-${name}-`));
  const identity = await createStation(dir, name, '127.0.0.1:0', { database: options.database });
  const store = await openStore(dir, readConfig(dir));
  const tokens: Record<string, string> = {};
  try {
    const auth = new Auth(store, Date.now);
    for (const [member, role] of Object.entries(members)) {
      const m = await addMember(store, Date.now, { name: member, role, password: PASSWORD });
      tokens[member] = await auth.issue(m.id, 'token', 'test', tokenExpiry(Date.now(), undefined));
    }
  } finally {
    await store.close();
  }
  return { dir, identity, tokens, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StationProcess {
  url: string;
  /** wss:// address where peers connect. */
  linkUrl: string;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
}

/** Merges `change` into the station directory's hotline.json. */
export function configure(dir: string, change: Record<string, unknown>): void {
  const path = join(dir, 'hotline.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...change }, null, 2));
}

/** Starts `hotline serve` as a real process on a free loopback port. */
export function startStation(dir: string, listen = '127.0.0.1:0', timeoutMs = 20_000, peerListen = '127.0.0.1:0'): Promise<StationProcess> {
  // HOTLINE_PROFILE_DIR: each station process writes a CPU profile there on exit (how docs/latency.md was made).
  const profile = process.env.HOTLINE_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.HOTLINE_PROFILE_DIR] : [];
  const proc = spawn(process.execPath, [...profile, BIN, 'serve', '--dir', dir, '--listen', listen, '--peer-listen', peerListen, '--log-level', process.env.HOTLINE_TEST_LOG_LEVEL ?? 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stopWith = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`station did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    let started = false;
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // Output keeps coming after start (and after a test may have removed the directory): read it only once.
      if (started) return;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      const l = /links on (wss:\/\/\S+)/.exec(out);
      if (m && l) {
        clearTimeout(timer);
        started = true;
        trustStation(m[1], dir);
        resolve({ url: m[1], linkUrl: l[1], proc, output: () => out, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`station exited with ${code} before listening:\n${out}`));
    });
  });
}

/**
 * The certificate each station started here serves, by origin: the harness's
 * clients (api, cli, WebSockets, Chromium) trust exactly these, as an
 * operator's client trusts the station's api.crt, and nothing else.
 */
const stations = new Map<string, { certFile: string; cert: string; agent: Agent }>();

/** Trusts the certificate the station in `dir` serves at `url` (done by startStation). */
export function trustStation(url: string, dir: string): void {
  const origin = new URL(url).origin;
  if (!origin.startsWith('https:')) return;
  const certFile = certificateFiles(dir, readConfig(dir)).cert;
  const cert = readFileSync(certFile, 'utf8');
  void stations.get(origin)?.agent.close();
  // The served certificate itself is the trust anchor, even one issued by a CA (partial chain). At most 64
  // connections, like a real client's pool: the station admits 128 from one address.
  stations.set(origin, { certFile, cert, agent: new Agent({ connections: 64, connect: { ca: cert, allowPartialTrustChain: true } as object }) });
}

function stationAt(url: string) {
  return stations.get(new URL(url).origin);
}

/** TLS options for a WebSocket (ws) to a station started here. */
export function tlsFor(url: string): { ca?: string } {
  const s = stationAt(url.replace(/^ws/, 'http'));
  return s ? ({ ca: s.cert, allowPartialTrustChain: true } as { ca: string }) : {};
}

/** The environment that makes a CLI process trust a station started here (HOTLINE_CA, its certificate file). */
export function trustEnv(url: string): Record<string, string> {
  const s = stationAt(url);
  return s ? { HOTLINE_CA: s.certFile } : {};
}

/** fetch() that trusts the stations started here. */
export function fetchStation(url: string | URL, init: RequestInit = {}): Promise<Response> {
  // undici's own Response, typed as the global one that tests already read (json() as any).
  return fetch(url, { ...init, dispatcher: stationAt(String(url))?.agent }) as unknown as Promise<Response>;
}

/** Base64 SHA-256 of each started station's public key (SPKI), for Chromium's --ignore-certificate-errors-spki-list. */
export function stationKeyHashes(): string[] {
  return [...new Set([...stations.values()].map((s) => createHash('sha256').update(new X509Certificate(s.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')))];
}

/** Runs the CLI as a real process; one aimed (--url or HOTLINE_URL) at a station started here trusts its certificate (HOTLINE_CA) unless told otherwise. */
export function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const at = args.indexOf('--url');
  const url = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--url='))?.slice(6) ?? env.HOTLINE_URL;
  const told = args.some((a) => /^--(ca|pin)(=|$)/.test(a)) || env.HOTLINE_CA !== undefined || env.HOTLINE_PIN !== undefined;
  if (url && !told && URL.canParse(url)) Object.assign(env, trustEnv(url));
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => (stdout += c));
    proc.stderr.on('data', (c) => (stderr += c));
    proc.stdin.end(options.input ?? '');
    proc.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function api(url: string, token: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, url), {
    dispatcher: stationAt(url)?.agent,
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of res.headers) headers[k] = v;
  return { status: res.status, json, text, headers };
}

/** A loopback port free right now (for stations that must keep their address across restarts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
