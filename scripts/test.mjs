// `npm test`: set-up, type check, then every test file with node's test runner.
// Unit and property tests live beside the code (src/**/*.test.ts); tests that
// start real station processes live in test/.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/setup.mjs'), ...(process.argv.includes('--unit') ? [] : ['--browser'])], { stdio: 'inherit' });

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

// `--unit` (npm run test:unit) is the fast loop: the tests beside the code, no station processes, no browser.
const unit = process.argv.includes('--unit');
const only = process.argv.slice(2).filter((a) => a !== '--unit');
const files = (only.length ? only : unit ? find(join(root, 'src')) : [...find(join(root, 'src')), ...find(join(root, 'test'))]).sort();

if (!only.length && !unit) {
  console.log('test: type check (tsc --noEmit)');
  for (const project of [root, join(root, 'web')]) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project], { stdio: 'inherit', cwd: root });
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  }
}

// One PostgreSQL server for every test process (see scripts/postgres.mjs): found or started once here, named to the
// test runner's children by HOTLINE_TEST_DATABASE_URL, and a private cluster stopped when the run ends.
const { resolvePostgres } = await import('./postgres.mjs');
const postgres = await resolvePostgres({ log: console.log });
console.log(`test: PostgreSQL ${postgres.source === 'env' ? 'from HOTLINE_TEST_DATABASE_URL' : postgres.source === 'local' ? 'at 127.0.0.1:5432' : 'in a private cluster'}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => (postgres.stop(), process.exit(130)));

console.log(`test: ${files.length} test files`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit', cwd: root, env: { ...process.env, HOTLINE_TEST_DATABASE_URL: postgres.url },
});
postgres.stop();
process.exit(run.status ?? 1);
