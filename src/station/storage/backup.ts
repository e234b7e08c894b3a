import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import Database from 'better-sqlite3';
import { HotlineError } from '../../core/errors.ts';

export interface SqliteBackup {
  /** The schema version the copy carries (SQLite's user_version). */
  version: number;
  logs: number;
  entries: number;
}

/**
 * SQLite's online backup from a connection of its own, so a serving station
 * keeps writing meanwhile; the result is one consistent state (a committed
 * transaction boundary) that passed SQLite's integrity check.
 */
export async function backupSqlite(path: string, to: string): Promise<SqliteBackup> {
  if (!existsSync(path)) throw new HotlineError('not_found', `no SQLite database at ${path}`);
  if (existsSync(to)) throw new HotlineError('conflict', `${to} already exists: back up to a new file`);
  const source = new Database(path, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All remaining pages in one step: a step copies from one read snapshot, which in WAL mode never
    // blocks the station's writes, whereas small steps restart whenever the station commits between them.
    await source.backup(to, { progress: () => 0x7fffffff });
  } catch (e) {
    throw new HotlineError('unavailable', `backing up ${path}: ${(e as Error).message}`);
  } finally {
    source.close();
  }
  const copy = new Database(to, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new HotlineError('integrity', `the backup ${to} fails SQLite's integrity check: ${check}`);
    return {
      version: copy.pragma('user_version', { simple: true }) as number,
      logs: (copy.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n,
      entries: (copy.prepare('SELECT COUNT(*) AS n FROM entry').get() as { n: number }).n,
    };
  } finally {
    copy.close();
  }
}

/** pg_dump's custom format: compressed, and pg_restore can restore it into an empty database. */
export function pgDumpArgs(url: string, to: string): string[] {
  return ['--format=custom', '--no-owner', `--file=${to}`, `--dbname=${url}`];
}

/** Where pg_dump is on PATH, or null. */
export function findPgDump(): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d && existsSync(join(d, 'pg_dump'))) return join(d, 'pg_dump');
  }
  return null;
}

/**
 * Runs pg_dump: one consistent snapshot (a REPEATABLE READ transaction), so
 * replicas keep serving while it runs.
 */
export async function backupPostgres(pgDump: string, url: string, to: string): Promise<void> {
  if (existsSync(to)) throw new HotlineError('conflict', `${to} already exists: back up to a new file`);
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    // The password goes through the environment, not the command line that `ps` shows.
    const bare = new URL(url);
    const password = decodeURIComponent(bare.password);
    bare.password = '';
    const env = password ? { ...process.env, PGPASSWORD: password } : process.env;
    const proc = spawn(pgDump, pgDumpArgs(bare.toString(), to), { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    proc.stderr.on('data', (c) => (stderr += c));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code: code ?? 1, stderr }));
  });
  if (code !== 0) {
    const reason = stderr.trim().split('\n').find((l) => l.trim()) ?? `exit status ${code}`;
    throw new HotlineError('unavailable', `pg_dump failed: ${reason.replace(/^pg_dump: (error: )?/, '').replace(/:\/\/([^:/@]*):[^@/]*@/g, '://$1:***@')}`);
  }
}
