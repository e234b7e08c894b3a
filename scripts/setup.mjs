// Brings a fresh clone to a runnable state: installs npm dependencies when
// package-lock.json changed since the last install. Used by `npm test` and
// `npm run demo`, so each of them is one command on a new machine.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.hotline-installed');
const lock = readFileSync(join(root, 'package-lock.json'));
const want = createHash('sha256').update(lock).digest('hex');

// One set-up at a time: two `npm ci` at once (two test runs, say) would delete
// each other's node_modules. The lock is a directory, made atomically.
const { mkdirSync, rmSync, statSync: lockStat } = await import('node:fs');
const lockDir = join(root, '.setup-lock');
for (const until = Date.now() + 15 * 60_000; ; ) {
  try {
    mkdirSync(lockDir);
    break;
  } catch {
    // A lock left by a set-up that died long ago is stale.
    if (Date.now() - lockStat(lockDir, { throwIfNoEntry: false })?.mtimeMs > 20 * 60_000) rmSync(lockDir, { recursive: true, force: true });
    if (Date.now() > until) throw new Error(`setup: ${lockDir} is held by another set-up; remove it if none is running`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
process.on('exit', () => rmSync(lockDir, { recursive: true, force: true }));

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
  console.log('setup: installing npm dependencies (npm ci)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, want);
}

// The console: rebuilt when its sources, the wire module and the core it
// bundles (or the lock file) changed since the last build.
const { readdirSync, statSync } = await import('node:fs');
const web = join(root, 'web');
const sources = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'dist' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) walk(path);
    else sources.push(path);
  }
};
walk(web);
walk(join(root, 'src/wire'));
walk(join(root, 'src/core'));
const webHash = createHash('sha256');
webHash.update(lock);
for (const path of sources) webHash.update(path.slice(root.length)).update(readFileSync(path));
const webWant = webHash.digest('hex');
const webStamp = join(web, 'dist', '.hotline-built');
if (!existsSync(webStamp) || readFileSync(webStamp, 'utf8') !== webWant) {
  console.log('setup: building the web console (vite build)...');
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', join(web, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  writeFileSync(webStamp, webWant);
}

// The whole-suite run drives Debian's Chromium (console tests), HAProxy
// (the documented load-balancer configuration, in front of real replicas),
// Prometheus's promtool (the metrics and the alerting rules are checked with
// it) and SoftHSM2 (station keys in a PKCS#11 token); install whichever is
// absent.
const wanted = process.argv.includes('--browser')
  ? [['/usr/bin/chromium', ['chromium', 'fonts-dejavu-core']], ['/usr/sbin/haproxy', ['haproxy']], ['/usr/bin/promtool', ['prometheus']], ['/usr/lib/softhsm/libsofthsm2.so', ['softhsm2']]].filter(([path]) => !existsSync(path)).flatMap(([, packages]) => packages)
  : [];
if (wanted.length > 0) {
  console.log(`setup: installing Debian ${wanted.join(', ')} for the console, load-balancer, metrics and hardware-key tests...`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  // promtool ships in Debian's prometheus package; its recommends (exporters) are not wanted.
  const plain = wanted.filter((p) => p !== 'prometheus');
  if (plain.length > 0) run(['apt-get', 'install', '-y', '-qq', ...plain]);
  if (wanted.includes('prometheus')) {
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'prometheus']);
    // Only promtool is used: on a machine run by systemd, the package's server is not left running.
    if (existsSync('/run/systemd/system')) run(['systemctl', 'disable', '--now', 'prometheus']);
  }
}
