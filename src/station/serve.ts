import pino from 'pino';
import { buildApp } from './api/app.ts';
import { parseListen } from './config.ts';
import { Station } from './station.ts';

export interface Serving {
  url: string;
  station: Station;
  close(): Promise<void>;
}

/** Opens the station in `dir` and serves its API until closed. */
export async function serve(dir: string, options: { listen?: string; logLevel?: string } = {}): Promise<Serving> {
  const logger = pino({ level: options.logLevel ?? process.env.HOTLINE_LOG_LEVEL ?? 'info' });
  const station = await Station.open(dir, { logger });
  const app = await buildApp(station);
  const { host, port } = parseListen(options.listen ?? station.config.listen);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await station.close();
    throw e;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  logger.info({ url, party: station.name }, 'station listening');
  return {
    url,
    station,
    async close() {
      await app.close();
      await station.close();
    },
  };
}
