import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../station/config.ts';
import { fingerprint, loadIdentity } from '../../station/identity.ts';
import { certificateFiles, certificateFingerprint } from '../../station/tls-certificate.ts';
import { defaultDir, parse } from '../args.ts';

export async function station(argv: string[]) {
  const { values } = parse('station', argv, { dir: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return void console.log('hotline station [--dir DIR] [--json]\n\nPrints the party name, verifier key and fingerprint of the local station, and the SHA-256 fingerprint of the certificate its API serves.');
  const dir = defaultDir(values.dir);
  const config = readConfig(dir);
  const id = loadIdentity(join(dir, config.keyFile));
  const cert = certificateFiles(dir, config).cert;
  const apiFingerprint = config.plainHttp || !existsSync(cert) ? null : certificateFingerprint(readFileSync(cert, 'utf8'));
  const info = { name: id.name, key: id.vkey, fingerprint: fingerprint(id.vkey), listen: config.listen, apiFingerprint };
  if (values.json) console.log(JSON.stringify(info, null, 2));
  else console.log(`party        ${info.name}\nkey          ${info.key}\nfingerprint  ${info.fingerprint}\nlisten       ${info.listen}\napi cert     ${apiFingerprint ?? (config.plainHttp ? 'none (plain HTTP)' : 'none yet (made at the first serve)')}`);
}
