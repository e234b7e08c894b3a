import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// wrk (C, from Debian) generates the load: a Node load generator would take
// much of the second core from the station it is measuring.

export function ensureWrk(): boolean {
  if (spawnSync('wrk', ['--version']).error === undefined) return true;
  if (process.getuid?.() !== 0) return false;
  console.log('bench: installing wrk (apt-get)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore', env });
  return spawnSync('wrk', ['--version']).error === undefined;
}

export interface WrkResult {
  rate: number;
  p50: number;
  p99: number;
  count: number;
  errors: number;
}

/** wrkPost without blocking this process: for a server that runs inside it. */
export async function wrkPostAsync(url: string, token: string, body: string, connections: number, seconds: number): Promise<WrkResult> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) => new Promise<string>((resolve, reject) => execFile('wrk', args, { encoding: 'utf8' }, (e, out) => (e ? reject(e) : resolve(out))));
  return withScript(url, token, body, connections, seconds, run);
}

export function wrkPost(url: string, token: string, body: string, connections: number, seconds: number): WrkResult {
  return withScript(url, token, body, connections, seconds, (args) => execFileSync('wrk', args, { encoding: 'utf8' }));
}

function withScript<T extends string | Promise<string>>(url: string, token: string, body: string, connections: number, seconds: number, run: (args: string[]) => T): T extends Promise<string> ? Promise<WrkResult> : WrkResult;
function withScript(url: string, token: string, body: string, connections: number, seconds: number, run: (args: string[]) => string | Promise<string>): WrkResult | Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, `
wrk.method = "POST"
wrk.body = ${JSON.stringify(body)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${token}"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`);
  const parse = (out: string): WrkResult => {
    const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
    if (!m) throw new Error(`unexpected wrk output:\n${out}`);
    const [requests, durationUs, p50Us, p99Us, errors] = m.slice(1).map(Number);
    return { rate: (requests * 1e6) / durationUs, p50: p50Us / 1000, p99: p99Us / 1000, count: requests, errors };
  };
  const clean = () => rmSync(dir, { recursive: true, force: true });
  let out: string | Promise<string>;
  try {
    out = run(['-t', String(Math.min(2, connections)), '-c', String(connections), '-d', `${seconds}s`, '-s', script, url]);
  } catch (e) {
    clean();
    throw e;
  }
  if (typeof out === 'string') {
    clean();
    return parse(out);
  }
  return out.then(parse).finally(clean);
}
