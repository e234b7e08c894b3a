// The PostgreSQL server the tests use, found or made so that `npm test` stays
// one command on a fresh machine:
//   1. HOTLINE_TEST_DATABASE_URL, when set: that server (any database in the URL is used to create the test databases);
//   2. else the local server at 127.0.0.1:5432 (user postgres, trust auth) if it answers
//      (HOTLINE_TEST_SKIP_LOCAL_POSTGRES=1 skips this probe, to exercise step 3);
//   3. else a private cluster in a temporary directory: Debian's `postgresql` is installed with apt-get when
//      initdb is missing, initdb runs (as the `postgres` user when we are root: initdb refuses root), and the
//      server listens on a free loopback port with its socket in the temporary directory. It is stopped and
//      removed when the caller says so (scripts/test.mjs does at the end) or when the process exits.
// `node scripts/postgres.mjs` resolves a server, creates and drops a database on it, and reports what it did.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** True if a server answers at `url` (a query, not just a port). */
export async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function findBin(name) {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  // Debian keeps the server's programs out of PATH, one directory per major version: take the newest.
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  return null;
}

function install(log) {
  if (process.getuid?.() !== 0) throw new Error('postgres: initdb is missing and we are not root: install PostgreSQL 15+ (apt-get install postgresql) or set HOTLINE_TEST_DATABASE_URL');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('postgres: installing Debian\'s postgresql with apt-get...');
  const args = ['install', '-y', '--no-install-recommends', 'postgresql'];
  if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', args, { stdio: 'inherit', env });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a private cluster; returns its URL and a synchronous stop (usable in an exit handler). */
export async function startPrivateCluster(log = () => {}) {
  if (!findBin('initdb')) install(log);
  const initdb = findBin('initdb');
  const pgCtl = findBin('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('postgres: initdb or pg_ctl not found even after installing postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as the `postgres` user, which owns the directory.
  const runuser = root ? (findBin('runuser') ?? ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? 'runuser') : null;
  const as = (cmd, args) => (runuser ? [runuser, ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (root) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const run = (cmd, args) => {
    const [c, a] = as(cmd, args);
    const r = spawnSync(c, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`postgres: ${cmd} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr || r.stdout || ''}`);
  };
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`;
  try {
    run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    run(pgCtl, ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const [c, a] = as(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(c, a, { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  log(`postgres: private cluster on 127.0.0.1:${port} in ${dir}`);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop };
}

/**
 * The server to test against: { url, source: 'env' | 'local' | 'private', stop() }.
 * stop() ends a private cluster and does nothing otherwise.
 */
export async function resolvePostgres({ log = () => {} } = {}) {
  const fromEnv = process.env.HOTLINE_TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'env', stop: () => {} };
  if (!process.env.HOTLINE_TEST_SKIP_LOCAL_POSTGRES && (await answers(LOCAL))) return { url: LOCAL, source: 'local', stop: () => {} };
  const cluster = await startPrivateCluster(log);
  return { url: cluster.url, source: 'private', stop: cluster.stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await resolvePostgres({ log: console.log });
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const name = `hotline_check_${process.pid}`;
    await client.query(`CREATE DATABASE ${name}`);
    await client.query(`DROP DATABASE ${name}`);
    const { rows } = await client.query('SHOW server_version');
    await client.end();
    console.log(`postgres: ${server.source} server ${server.url} (PostgreSQL ${rows[0].server_version}): created and dropped a database`);
  } finally {
    server.stop();
  }
}
