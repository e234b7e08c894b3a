import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

// The fan-out bench's writers, in their own process: in the process that
// also reads 1,000 consoles, a writer hears its append's answer only after
// the event loop has worked through every console's frames, which throttles
// the writers to the consoles' pace. Times are absolute (timeOrigin + now),
// comparable with the consoles' in the bench process.

export interface Appends {
  count: number;
  ms: number;
  /** seq of each append, and when its 201 arrived (absolute ms). */
  seqs: number[];
  at: number[];
  /** CPU the writing took (user + system), ms. */
  cpuMs: number;
}

export async function writeMessages(url: string, token: string, line: string, writers: number, ms: number, text: string, ca?: string): Promise<Appends> {
  const pool = new Pool(url, { connections: writers, pipelining: 1, connect: ca ? { ca } : undefined });
  const seqs: number[] = [];
  const at: number[] = [];
  const body = JSON.stringify({ text });
  let stop = false;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const timer = setTimeout(() => (stop = true), ms);
  try {
    await Promise.all([...Array(writers)].map(async () => {
      while (!stop) {
        const res = await pool.request({ path: `/v1/lines/${line}/messages`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        const t = performance.timeOrigin + performance.now();
        const answer = await res.body.text();
        if (res.statusCode !== 201) throw new Error(`append failed: ${res.statusCode} ${answer}`);
        seqs.push((JSON.parse(answer) as { seq: number }).seq);
        at.push(t);
      }
    }));
  } finally {
    clearTimeout(timer);
    await pool.close();
  }
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { count: seqs.length, ms: elapsed, seqs, at, cpuMs: (used.user + used.system) / 1000 };
}

/** `writeMessages` in a child process. */
export function writeMessagesProcess(url: string, token: string, line: string, writers: number, ms: number, text: string, ca?: string): Promise<Appends> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify({ url, token, line, writers, ms, text, ca })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms + 60_000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Appends);
      else reject(new Error(`writer process exited (${code}): ${err}`));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const o = JSON.parse(process.argv[2]) as { url: string; token: string; line: string; writers: number; ms: number; text: string; ca?: string };
  const r = await writeMessages(o.url, o.token, o.line, o.writers, o.ms, o.text, o.ca);
  process.stdout.write(JSON.stringify(r));
  process.exit(0);
}
