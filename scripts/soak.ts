// `npm run soak -- --minutes N`: the fault scenario of test/fault.test.ts
// (three stations, steady traffic, stations SIGKILLed and links cut at random)
// run for N minutes (default 10), then every check of the test. Prints the
// summary as JSON; exits 1 when any check failed.
//   --seed S         replay the chaos choices of an earlier run
//   --rate R         appends per second per station (default 30)
//   --writers W      concurrent writers per station (default 4)
//   --keep           keep the station directories for a post-mortem
import { parseArgs } from 'node:util';
import { FaultResources, FaultScenarioError, runFaultScenario } from '../test/support/fault-harness.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    rate: { type: 'string' },
    writers: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('npm run soak -- [--minutes N] [--seed S] [--rate R] [--writers W] [--keep]');
  process.exit(0);
}
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error(`soak: --minutes must be a positive number, not ${values.minutes}`);
  process.exit(2);
}

const resources = new FaultResources();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`soak: ${signal}: stopping the stations`);
    void resources.dispose().finally(() => process.exit(130));
  });
}

const began = Date.now();
const stamp = () => `[${((Date.now() - began) / 1000).toFixed(1).padStart(7)} s]`;
let code = 0;
try {
  const summary = await runFaultScenario({
    durationMs: minutes * 60_000,
    resources,
    seed: values.seed === undefined ? undefined : Number(values.seed),
    appendsPerSecond: values.rate === undefined ? undefined : Number(values.rate),
    writersPerStation: values.writers === undefined ? undefined : Number(values.writers),
    keepDirs: values.keep,
    log: (line) => console.log(`${stamp()} ${line}`),
  });
  console.log(JSON.stringify(summary, null, 2));
  console.log('soak: passed');
} catch (e) {
  if (e instanceof FaultScenarioError) {
    console.log(JSON.stringify(e.summary, null, 2));
    console.error(e.message);
  } else {
    console.error(e);
  }
  console.error('soak: FAILED');
  code = 1;
} finally {
  await resources.dispose();
}
process.exit(code);
