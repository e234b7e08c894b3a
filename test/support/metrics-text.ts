import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool, failing plainly when it is missing (scripts/setup.mjs installs Debian's prometheus package, which has it). */
export function promtool(args: string[], input?: string): { code: number; output: string } {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: run node scripts/setup.mjs --browser (it installs Debian's prometheus package) or apt-get install prometheus`);
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** The samples of a Prometheus text exposition, by series (name and labels as written). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The value of one series, 0 when absent; `labels` is matched as written, e.g. 'kind="message"'. */
export function sample(all: Map<string, number>, name: string, ...labels: string[]): number {
  let total = 0;
  for (const [series, value] of all) {
    const bare = series.split('{')[0];
    if (bare === name && labels.every((l) => series.includes(l))) total += value;
  }
  return total;
}

/** Names of the metric families an exposition declares (its # TYPE lines). */
export function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}
