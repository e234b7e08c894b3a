import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FaultResources, FaultScenarioError, runFaultScenario } from './support/fault-harness.ts';

// Three real stations on one line, under steady traffic, while stations are
// SIGKILLed and restarted and links are cut and restored. Afterwards every
// station must hold the same record: nothing lost, nothing duplicated, every
// log verifiable and every entry receipted by the other parties.
// HOTLINE_FAULT_SECONDS sets the length of the chaos (default 60: the suite must stay
// under 15 minutes; `npm run soak` runs the same scenario for as long as asked),
// HOTLINE_FAULT_SEED replays a run's chaos choices.

const seconds = Number(process.env.HOTLINE_FAULT_SECONDS ?? 60);
const resources = new FaultResources();
after(() => resources.dispose());

test(`three stations stay in step through ${seconds} s of crashes and cut links`, { timeout: seconds * 1000 + 150_000 }, async () => {
  try {
    const summary = await runFaultScenario({
      durationMs: seconds * 1000,
      resources,
      seed: process.env.HOTLINE_FAULT_SEED ? Number(process.env.HOTLINE_FAULT_SEED) : undefined,
      keepDirs: process.env.HOTLINE_FAULT_KEEP === '1',
      log: (line) => console.log(line),
    });
    console.log(`summary: ${JSON.stringify(summary, null, 2)}`);
    assert.ok(summary.kills > 0 && summary.cuts.total > 0, 'the chaos did something');
    assert.ok(summary.appends.acknowledged > 0, 'appends were acknowledged');
  } catch (e) {
    if (e instanceof FaultScenarioError) console.log(`summary: ${JSON.stringify(e.summary, null, 2)}`);
    throw e;
  }
});
