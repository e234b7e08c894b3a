import { existsSync, readFileSync } from 'node:fs';
import { readConfig } from '../../station/config.ts';
import { fingerprint, openIdentity } from '../../station/identity.ts';
import { loadPqKey } from '../../station/keys/pq-key.ts';
import { certificateFiles, certificateFingerprint } from '../../station/tls-certificate.ts';
import { defaultDir, parse } from '../args.ts';

export async function station(argv: string[]) {
  const { values } = parse('station', argv, { dir: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return void console.log('hotline station [--dir DIR] [--json]\n\nPrints the party name, verifier key and fingerprint of the local station, and the SHA-256 fingerprint of the certificate its API serves.');
  const dir = defaultDir(values.dir);
  const config = readConfig(dir);
  const id = openIdentity(dir, config);
  const cert = certificateFiles(dir, config).cert;
  const apiFingerprint = config.plainHttp || !existsSync(cert) ? null : certificateFingerprint(readFileSync(cert, 'utf8'));
  const pqKey = loadPqKey(dir, config.name)?.vkey;
  const info = { name: id.name, key: id.vkey, fingerprint: fingerprint(id.vkey), ...(pqKey ? { pqKey, pqFingerprint: fingerprint(pqKey) } : {}), listen: config.listen, apiFingerprint };
  if (values.json) console.log(JSON.stringify(info, null, 2));
  else console.log(`party        ${info.name}\nkey          ${info.key}\nfingerprint  ${info.fingerprint}\n${pqKey ? `pq key       ${pqKey}\npq print     ${fingerprint(pqKey)}\n` : ''}listen       ${info.listen}\napi cert     ${apiFingerprint ?? (config.plainHttp ? 'none (plain HTTP)' : 'none yet (made at the first serve)')}`);
}
