import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { nodeCrypto } from '../node/crypto.ts';
import { parseListen } from '../station/config.ts';
import { buildWitnessApp } from './app.ts';
import { openWitness } from './open.ts';

export interface ServingWitness {
  url: string;
  name: string;
  /** The cosigner verifier key, as log operators pin it. */
  vkey: string;
  close(): Promise<void>;
}

/** Opens the witness in `dir` and serves add-checkpoint until closed. */
export async function serveWitness(
  dir: string,
  options: { listen?: string; logLevel?: string; clock?: () => number } = {},
): Promise<ServingWitness> {
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info' });
  const { config, identity, store } = openWitness(dir);
  const { host, port } = parseListen(options.listen ?? config.listen);
  const deps = { crypto: nodeCrypto, name: identity.name, signer: identity.signer, clock: options.clock ?? Date.now, store };
  const app = await buildWitnessApp(deps, logger as FastifyBaseLogger);
  try {
    await app.listen({ host, port });
  } catch (e) {
    store.close();
    throw e;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const logs = store.logs().length;
  logger.info({ url, witness: identity.name, logs }, 'witness listening');
  if (logs === 0) logger.warn("no logs pinned yet: add them with 'hotline witness log add'");
  return {
    url,
    name: identity.name,
    vkey: identity.vkey,
    async close() {
      // Finish in-flight requests before the database goes away.
      await app.close();
      store.close();
    },
  };
}
