import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HotlineError } from '../core/errors.ts';
import { CONFIG_FILE, parseListen, readConfig } from '../station/config.ts';
import { certificateFiles, certificateFingerprint } from '../station/tls-certificate.ts';
import { defaultDir } from './args.ts';
import { Client } from './client.ts';
import { caTrust, pinTrust, type Trust } from './trust.ts';

export const connectionOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
  dir: { type: 'string' },
  ca: { type: 'string' },
  pin: { type: 'string' },
} as const;

interface ConnectionValues {
  url?: string;
  token?: string;
  dir?: string;
  ca?: string;
  pin?: string;
}

/**
 * The station to talk to: --url, else $HOTLINE_URL, else the listen address
 * of the local station directory. Its certificate is checked against, in
 * order: --ca FILE ($HOTLINE_CA), --pin SHA256 ($HOTLINE_PIN), the local
 * station directory's own certificate when the address came from there, and
 * otherwise the system's CAs.
 */
export function connect(values: ConnectionValues, needToken = true): Client {
  let url = values.url ?? process.env.HOTLINE_URL;
  let local: Trust | undefined;
  if (!url) {
    const dir = defaultDir(values.dir);
    if (existsSync(join(dir, CONFIG_FILE))) ({ url, trust: local } = localStation(dir));
  }
  if (!url) throw new HotlineError('bad_request', 'which station? give --url (or set HOTLINE_URL)');
  if (!/^https?:\/\//.test(url)) throw new HotlineError('bad_request', `the station's address must start with https:// (or http:// for a plain-HTTP station on loopback), not '${url}'`);
  const token = values.token ?? process.env.HOTLINE_TOKEN;
  if (needToken && !token) throw new HotlineError('unauthenticated', 'no token: give --token, set HOTLINE_TOKEN, or run `hotline login`');
  return new Client(url, token, trustFor(values, local));
}

function trustFor(values: ConnectionValues, local: Trust | undefined): Trust {
  if (values.ca && values.pin) throw new HotlineError('bad_request', 'give --ca or --pin, not both');
  if (values.ca) return caTrust(values.ca, '--ca');
  if (values.pin) return pinTrust(values.pin, '--pin');
  if (process.env.HOTLINE_CA) return caTrust(process.env.HOTLINE_CA, 'HOTLINE_CA');
  if (process.env.HOTLINE_PIN) return pinTrust(process.env.HOTLINE_PIN, 'HOTLINE_PIN');
  return local ?? { kind: 'system' };
}

/** The local station's address, and its certificate pinned as it is in the directory (its own, or the operator's). */
function localStation(dir: string): { url: string; trust?: Trust } {
  const config = readConfig(dir);
  const { host, port } = parseListen(config.listen);
  // A station listening on every address is reached on loopback.
  const reach = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `${config.plainHttp ? 'http' : 'https'}://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
  const cert = certificateFiles(dir, config).cert;
  if (config.plainHttp || !existsSync(cert)) return { url };
  return { url, trust: { kind: 'pin', fingerprint: certificateFingerprint(readFileSync(cert, 'utf8')), from: `the certificate in ${cert}` } };
}
