import Fastify from 'fastify';
import { generate } from 'selfsigned';
import { wrkPostAsync } from './wrk.ts';

/**
 * The machine's floor for appends over the API: a bare Fastify server over
 * TLS (no hooks, no storage, no signing) answering the same POST as an
 * append with a small JSON body, loaded by wrk with the same 64 connections.
 * No HTTP API on this machine can answer faster than this.
 */
export async function httpsRequestFloor(connections: number, seconds: number): Promise<number> {
  const pems = await generate([{ name: 'commonName', value: 'bench' }], { keyType: 'ec', curve: 'P-256' });
  const app = Fastify({ https: { key: pems.private, cert: pems.cert } });
  let seq = 0;
  app.post('/v1/lines/bench/messages', async (_req, reply) => reply.status(201).send({ id: 'Bench:1', party: 'Bench', seq: seq++, time: Date.now(), leafHash: 'AAAA' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (app.server.address() as { port: number }).port;
    const body = JSON.stringify({ text: 'Routine line traffic: position report unchanged.', lang: 'en' });
    return (await wrkPostAsync(`https://127.0.0.1:${port}/v1/lines/bench/messages`, 'none', body, connections, seconds)).rate;
  } finally {
    await app.close();
  }
}
