import { X509Certificate } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';
import { HotlineError } from '../core/errors.ts';
import type { StationConfig } from './config.ts';

/**
 * The API's own certificate, separate from the link's tls.crt: the link is
 * authenticated by pinned station keys, the API by this certificate, which
 * browsers and the CLI check (pinned by its fingerprint, or replaced by one
 * from the ministry's PKI through hotline.json's `tls`).
 */
export const API_KEY_FILE = 'api.key';
export const API_CERT_FILE = 'api.crt';

export interface CertificateFiles {
  cert: string;
  key: string;
  /** Whether the files are the station's own (api.crt) or named by the operator. */
  own: boolean;
}

export interface KeyPair {
  cert: string;
  key: string;
}

/** Where the API's certificate and key are read from. */
export function certificateFiles(dir: string, config: Pick<StationConfig, 'tls'>): CertificateFiles {
  if (config.tls) return { cert: resolve(dir, config.tls.cert), key: resolve(dir, config.tls.key), own: false };
  return { cert: join(dir, API_CERT_FILE), key: join(dir, API_KEY_FILE), own: true };
}

/** The names the station's own certificate is good for: loopback, this machine's name, and the listen host. */
export function certificateNames(listenHost: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1', hostname()];
  const wildcard = listenHost === '' || listenHost === '0.0.0.0' || listenHost === '::';
  if (!wildcard) names.push(listenHost);
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

/**
 * Makes the station's own certificate: EC P-256, self-signed, for the names
 * above. The key is written 0600 and never overwritten.
 */
export async function createOwnCertificate(dir: string, listenHost: string): Promise<KeyPair> {
  const names = certificateNames(listenHost);
  const pems = await generate([{ name: 'commonName', value: 'hotline-station-api' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ],
  });
  const fd = openSync(join(dir, API_KEY_FILE), 'wx', 0o600);
  try {
    writeSync(fd, pems.private);
  } finally {
    closeSync(fd);
  }
  const certFd = openSync(join(dir, API_CERT_FILE), 'wx', 0o644);
  try {
    writeSync(certFd, pems.cert);
  } finally {
    closeSync(certFd);
  }
  return { cert: pems.cert, key: pems.private };
}

/** Reads the certificate and key and checks that they belong together, with messages that name the files. */
export function readKeyPair(files: CertificateFiles): KeyPair {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new HotlineError('not_found', `cannot read the API ${what} ${path}${files.own ? '' : " (hotline.json's tls)"}`);
    }
  };
  const cert = read(files.cert, 'certificate');
  const key = read(files.key, 'key');
  if (files.own && (statSync(files.key).mode & 0o077) !== 0) {
    throw new HotlineError('forbidden', `the API key ${files.key} is readable by others; run: chmod 600 ${files.key}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new HotlineError('bad_request', `the API certificate ${files.cert} and key ${files.key} cannot be used together: ${(e as Error).message}`);
  }
  return { cert, key };
}

/** The station's own certificate, made now if this directory predates it. */
export async function ensureOwnCertificate(dir: string, listenHost: string): Promise<void> {
  if (!existsSync(join(dir, API_CERT_FILE)) && !existsSync(join(dir, API_KEY_FILE))) await createOwnCertificate(dir, listenHost);
}

/**
 * The SHA-256 fingerprint of a PEM certificate (the first of a chain), as
 * `AB:CD:…`: what `hotline init` prints and `--pin` takes.
 */
export function certificateFingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    throw new HotlineError('bad_request', 'not a PEM certificate');
  }
}

/** A fingerprint as typed by a person: with or without colons, any case, an optional "SHA256" in front. */
export function normalFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha-?256[:= ]?/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}
