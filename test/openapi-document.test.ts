import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROOT } from './support/station.ts';
import { operations, servedDocument } from './support/served-document.ts';

// The document other teams generate clients from, checked by two independent tools
// (a validator and a linter) as they would check it, plus what issue 12 asks of every operation.

let doc: any;
let dir: string;
let file: string;

before(async () => {
  doc = await servedDocument();
  dir = mkdtempSync(join(tmpdir(), 'hotline-openapi-'));
  file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the served document passes an OpenAPI validator (swagger-parser)', async () => {
  // validate() dereferences in place: give it a copy.
  await SwaggerParser.validate(structuredClone(doc));
});

test('the served document lints with zero errors (Redocly CLI, redocly.yaml)', (t) => {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json', '--max-problems=100000'], {
    encoding: 'utf8', cwd: dir, timeout: 30_000,
    // No telemetry or update check from a test run.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  let report: { totals: { errors: number; warnings: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
  try {
    report = JSON.parse(run.stdout);
  } catch {
    assert.fail(`redocly lint gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
  assert.deepEqual(errors, [], `${errors.length} lint errors`);
  assert.equal(report.totals.errors, 0);
  // Warnings do not fail the run, but are worth seeing.
  for (const p of report.problems.filter((x) => x.severity === 'warn')) t.diagnostic(`warning ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
});

test('every operation has an operationId, a summary, tags and a documented 4xx response', () => {
  const offenders: string[] = [];
  const ids = new Map<string, string>();
  for (const { method, path, op } of operations(doc)) {
    const name = `${method.toUpperCase()} ${path}`;
    const missing = [
      !op.operationId && 'operationId',
      !op.summary && 'summary',
      !op.tags?.length && 'tags',
      !Object.keys(op.responses ?? {}).some((s) => /^4(\d\d|XX)$/.test(s)) && '4xx response',
    ].filter(Boolean);
    if (missing.length) offenders.push(`${name}: no ${missing.join(', ')}`);
    if (op.operationId && ids.has(op.operationId)) offenders.push(`${name}: operationId ${op.operationId} also used by ${ids.get(op.operationId)}`);
    if (op.operationId) ids.set(op.operationId, name);
  }
  assert.ok(operations(doc).length > 50, 'the document lists the API');
  assert.deepEqual(offenders, [], `${offenders.length} operations fall short`);
});

test('every documented error response uses the one error shape', () => {
  const offenders: string[] = [];
  for (const { method, path, op } of operations(doc)) {
    for (const [status, response] of Object.entries<any>(op.responses ?? {})) {
      if (!/^[45]/.test(status)) continue;
      const resolved = response.$ref ? resolvePointer(doc, response.$ref) : response;
      const schema = resolved?.content?.['application/json']?.schema;
      if (!schema) offenders.push(`${method.toUpperCase()} ${path} ${status}: no JSON body schema`);
    }
  }
  assert.deepEqual(offenders, []);
});

function resolvePointer(document: any, ref: string): any {
  return ref.replace(/^#\//, '').split('/').reduce((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}
