import { Pool } from 'undici';
import { tlsFor } from '../test/support/station.ts';

/** Durable appends per second through the HTTP API with `writers` concurrent clients. */
export async function appendRate(url: string, token: string, line: string, writers: number, ms: number): Promise<{ rate: number; p50: number; p99: number; count: number }> {
  const pool = new Pool(url, { connections: writers, pipelining: 1, connect: tlsFor(url) });
  const latencies: number[] = [];
  let stop = false;
  let count = 0;
  const body = JSON.stringify({ text: 'Routine line traffic: position report unchanged.', lang: 'en' });
  const start = performance.now();
  setTimeout(() => (stop = true), ms);
  await Promise.all(
    [...Array(writers)].map(async () => {
      while (!stop) {
        const t = performance.now();
        const res = await pool.request({ path: `/v1/lines/${line}/messages`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        await res.body.text();
        if (res.statusCode !== 201) throw new Error(`append failed: ${res.statusCode}`);
        latencies.push(performance.now() - t);
        count++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { rate: (count * 1000) / elapsed, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)], count };
}
