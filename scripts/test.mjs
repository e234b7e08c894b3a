// `npm test`: set-up, type check, then every test file with node's test runner.
// Unit and property tests live beside the code (src/**/*.test.ts); tests that
// start real station processes live in test/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// The contract test checks what the whole run received, so in the full run it runs alone, after everything else.
const CONTRACT = join('test', 'api-contract.test.ts');
const full = !only.length && !unit;
const files = (only.length ? only : unit ? find(join(root, 'src')) : [...find(join(root, 'src')), ...find(join(root, 'test'))])
  .filter((f) => !full || f !== CONTRACT).sort();

if (full) {
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

// The full run records every API response (src/station/api/contract-record.ts): each process, station or test,
// appends to <dir>/<pid>.jsonl under HOTLINE_CONTRACT_RECORD, and the contract test reads the directory afterwards.
const records = full ? mkdtempSync(join(tmpdir(), 'hotline-contract-')) : undefined;
const discard = () => records && rmSync(records, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => (postgres.stop(), discard(), process.exit(130)));
const env = { ...process.env, HOTLINE_TEST_DATABASE_URL: postgres.url };
delete env.HOTLINE_CONTRACT_RECORDS;
console.log(`test: ${files.length} test files`);
// Three files at a time on two cores: most of a process test is spent waiting (on links, timers, child processes), so a
// third file fills the cores that two leave idle (about 70% busy with two).
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', ...files], {
  stdio: 'inherit', cwd: root, env: records ? { ...env, HOTLINE_CONTRACT_RECORD: records } : env,
});
postgres.stop();

let contract = { status: 0 };
if (records) {
  // Checked even when some test failed: a response outside the contract is worth knowing about either way.
  console.log(`test: API contract (every response of the run against /openapi.json, records in ${records})`);
  const { HOTLINE_CONTRACT_RECORD: _off, ...checkEnv } = env;
  contract = spawnSync(process.execPath, ['--import', 'tsx', '--test', CONTRACT], { stdio: 'inherit', cwd: root, env: { ...checkEnv, HOTLINE_CONTRACT_RECORDS: records } });
  // Kept when the contract fails, for a look at the responses themselves.
  if (contract.status === 0) discard();
}
process.exit((run.status ?? 1) || (contract.status ?? 1));
