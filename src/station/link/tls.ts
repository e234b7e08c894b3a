import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * The link's TLS certificate is self-signed on purpose: peers are
 * authenticated by their pinned station keys, bound to the TLS session (see
 * core/link/hello.ts), not by certificate authorities.
 */
export async function tlsIdentity(dir: string): Promise<{ key: string; cert: string }> {
  const keyPath = join(dir, 'tls.key');
  const certPath = join(dir, 'tls.crt');
  if (existsSync(keyPath) && existsSync(certPath)) return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  const notAfterDate = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'hotline-station' }], { keyType: 'ec', curve: 'P-256', notAfterDate });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert };
}
