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

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
  console.log('setup: installing npm dependencies (npm ci)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, want);
}
