import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { CONFIG_FILE, readConfig } from '../station/config.ts';
import { defaultDir } from './args.ts';
import { Client } from './client.ts';

export const connectionOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
  dir: { type: 'string' },
} as const;

/** The station to talk to: --url, else $HOTLINE_URL, else the listen address of the local station directory. */
export function connect(values: { url?: string; token?: string; dir?: string }, needToken = true): Client {
  let url = values.url ?? process.env.HOTLINE_URL;
  if (!url) {
    const dir = defaultDir(values.dir);
    if (existsSync(join(dir, CONFIG_FILE))) url = `http://${readConfig(dir).listen}`;
  }
  if (!url) throw new HotlineError('bad_request', 'which station? give --url (or set HOTLINE_URL)');
  const token = values.token ?? process.env.HOTLINE_TOKEN;
  if (needToken && !token) throw new HotlineError('unauthenticated', 'no token: give --token, set HOTLINE_TOKEN, or run `hotline login`');
  return new Client(url, token);
}
