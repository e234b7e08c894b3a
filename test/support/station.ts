import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMember } from '../../src/station/commands/member-creator.ts';
import { createStation } from '../../src/station/create.ts';
import type { Identity } from '../../src/station/identity.ts';
import { Auth } from '../../src/station/auth.ts';
import { SqliteStore } from '../../src/station/storage/sqlite/sqlite-store.ts';

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

/** A fresh station directory with members (name → role) and a token for each. */
export async function makeStationDir(name: string, members: Record<string, string> = {}): Promise<StationDir> {
  const dir = mkdtempSync(join(tmpdir(), `hotline-${name}-`));
  const identity = await createStation(dir, name, '127.0.0.1:0');
  const store = new SqliteStore(join(dir, 'station.db'));
  const tokens: Record<string, string> = {};
  try {
    const auth = new Auth(store, Date.now);
    for (const [member, role] of Object.entries(members)) {
      const m = await addMember(store, Date.now, { name: member, role, password: PASSWORD });
      tokens[member] = await auth.issue(m.id, 'token', 'test', null);
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

/** Starts `hotline serve` as a real process on a free loopback port. */
export function startStation(dir: string, listen = '127.0.0.1:0', timeoutMs = 20_000, peerListen = '127.0.0.1:0'): Promise<StationProcess> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--dir', dir, '--listen', listen, '--peer-listen', peerListen, '--log-level', process.env.HOTLINE_TEST_LOG_LEVEL ?? 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      const l = /links on (wss:\/\/\S+)/.exec(out);
      if (m && l) {
        clearTimeout(timer);
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

/** Runs the CLI as a real process. */
export function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
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
