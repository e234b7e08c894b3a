import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult, type IModule } from 'dependency-cruiser';
import extractBabelConfig from 'dependency-cruiser/config-utl/extract-babel-config';
import { ROOT } from './support/station.ts';

// The architecture's import rules (.dependency-cruiser.cjs, where each rule says why), over src/ and the console.

const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs'));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

let result: ICruiseResult;
let files: string[];

before(async () => {
  // dependency-cruiser resolves against the working directory: run it from the repository's root.
  process.chdir(ROOT);
  files = [...sources('src'), ...sources('web/src')];
  const babelConfig = await extractBabelConfig(join(ROOT, config.options.babelConfig.fileName));
  const { babelConfig: _file, ...options } = config.options;
  result = (await cruise(files, { ...options, validate: true, ruleSet: { forbidden: config.forbidden } }, undefined, { babelConfig })).output as ICruiseResult;
});

test('dependency-cruiser reads every import of every file', () => {
  // The rules are only as good as the reading: every module a file names must be among the dependencies found.
  const found = new Map<string, IModule>(result.modules.map((m) => [m.source, m]));
  const unread: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const named = [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)]
      .map((m) => (m[1] ?? m[2] ?? m[3]).replace(/^node:/, ''));
    const got = new Set(found.get(file)?.dependencies.map((d) => d.module.replace(/^node:/, '')) ?? []);
    for (const spec of new Set(named)) if (!got.has(spec)) unread.push(`${file}: ${spec}`);
  }
  assert.ok(files.length > 300, `only ${files.length} files`);
  assert.deepEqual(unread, []);
});

test('the import rules hold: no cycles, the core and the wire pure, the console on the wire only, station layers downward', () => {
  const violations = result.summary.violations.map((v) =>
    v.cycle?.length
      ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`
      : `${v.rule.name}: ${v.from} → ${v.to}`);
  assert.deepEqual([...new Set(violations)].sort(), [], `${violations.length} violations of .dependency-cruiser.cjs`);
});

test('the rules catch what they forbid (a small tree that breaks them)', async () => {
  const tree = mkdtempSync(join(tmpdir(), 'hotline-layers-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  };
  try {
    write('src/core/clock.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    write('src/core/a.ts', "import type { B } from './b.ts';\nexport type A = { b?: B };\n");
    write('src/core/b.ts', "import type { A } from './a.ts';\nexport type B = { a?: A };\n");
    write('src/station/storage/store.ts', "import { app } from '../api/app.ts';\nexport const store = app;\n");
    write('src/station/api/app.ts', 'export const app = 1;\n');
    write('src/cli/main.ts', "import { app } from '../station/api/app.ts';\nexport const main = app;\n");
    write('web/src/view.tsx', "import { store } from '../../src/station/storage/store.ts';\nexport const View = () => <p>{store}</p>;\n");
    const babelConfig = await extractBabelConfig(join(ROOT, config.options.babelConfig.fileName));
    const { babelConfig: _file, ...options } = config.options;
    const broken = (await cruise(['src/core/clock.ts', 'src/core/a.ts', 'src/station/storage/store.ts', 'src/cli/main.ts', 'web/src/view.tsx'],
      { ...options, baseDir: tree, validate: true, ruleSet: { forbidden: config.forbidden } }, undefined, { babelConfig })).output as ICruiseResult;
    const caught = new Set(broken.summary.violations.map((v) => v.rule.name));
    for (const rule of ['no-circular', 'core-imports-only-core', 'station-storage-is-the-bottom', 'station-api-is-the-top', 'cli-not-to-station-api', 'console-imports-only-wire']) {
      assert.ok(caught.has(rule), `${rule} did not catch its import (caught: ${[...caught].join(', ')})`);
    }
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});
