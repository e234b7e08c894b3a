import { logRedaction } from '../station/log-redaction.ts';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { nodeCrypto } from '../node/crypto.ts';
import { parseListen } from '../station/config.ts';
import { Admission } from '../station/link/admission.ts';
import { buildWitnessApp } from './app.ts';

/**
 * Connections one address may hold at once. A station sends one request per
 * checkpoint and per log, a few at a time; more from one address is a flood.
 */
export const WITNESS_PER_ADDRESS = 16;
/** Connections held in all: each is small (a 64 KiB body at most), so this bounds memory. */
export const WITNESS_TOTAL = 256;
/** The longest a connection lives; keep-alive clients simply reconnect. */
export const WITNESS_CONNECTION_MS = 60_000;
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
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info', redact: logRedaction });
  const { config, identity, store } = openWitness(dir);
  const { host, port } = parseListen(options.listen ?? config.listen);
  const deps = { crypto: nodeCrypto, name: identity.name, signer: identity.signer, clock: options.clock ?? Date.now, store };
  const app = await buildWitnessApp(deps, logger as FastifyBaseLogger);
  // No one authenticates to a witness, so every connection counts against the limits for its whole life.
  const admission = new Admission({ perAddress: WITNESS_PER_ADDRESS, total: WITNESS_TOTAL, deadlineMs: WITNESS_CONNECTION_MS });
  app.server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    admission.admit(socket);
  });
  app.server.on('error', (e) => logger.error({ reason: e.message }, 'witness listener error'));
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
      admission.destroyAll();
      store.close();
    },
  };
}
