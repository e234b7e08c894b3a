import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './support/station.ts';

// The architecture, checked: layers import only downward (docs/ARCHITECTURE.md).
// core ← wire ← node ← station ← cli; witness beside station; nothing imports cli or test.
// The wire (the API's words: constants, views, schemas) is pure like the core: the console imports it.

const SRC = join(ROOT, 'src');
const layer = (file: string) => relative(SRC, file).split('/')[0];
const allowed: Record<string, string[]> = {
  core: ['core'],
  wire: ['core', 'wire'],
  node: ['core', 'node'],
  station: ['core', 'wire', 'node', 'station', 'witness'],
  witness: ['core', 'wire', 'node', 'witness', 'station'],
  cli: ['core', 'wire', 'node', 'station', 'witness', 'cli'],
};
// Pure libraries the core may use: no I/O, no clock, no randomness of their own.
const corePackages = ['canonicalize', '@sinclair/typebox', '@turf/boolean-intersects', '@turf/circle', '@turf/helpers', '@turf/distance', 'luxon'];

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts') && !/\.(test|suite|test-support)\.ts$/.test(name)) out.push(path);
  }
  return out;
}

test('layers import only downward, and the core is pure', () => {
  const problems: string[] = [];
  for (const file of files(SRC)) {
    const from = layer(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1];
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) problems.push(`${relative(ROOT, file)} imports ${spec} outside src/`);
        else if (!allowed[from].includes(layer(target))) problems.push(`${relative(ROOT, file)} (${from}) imports ${layer(target)}: ${spec}`);
      } else if (from === 'wire' && spec !== '@sinclair/typebox') {
        problems.push(`${relative(ROOT, file)} (wire) imports ${spec}`);
      } else if (from === 'core' && !corePackages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
        problems.push(`${relative(ROOT, file)} (core) imports ${spec}`);
      }
    }
    if ((from === 'core' || from === 'wire') && /\b(Date\.now|new Date\(|Math\.random|process\.|setTimeout|setInterval)\b/.test(text)) {
      problems.push(`${relative(ROOT, file)} (${from}) uses the clock, randomness or the process`);
    }
  }
  assert.deepEqual(problems, []);
});
