import { unwatchFile, watchFile } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { certificateFingerprint, readKeyPair, type CertificateFiles, type KeyPair } from '../tls-certificate.ts';
import { secureOptions } from './server.ts';

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CertificateWatch {
  /** The fingerprint of the certificate served now. */
  fingerprint(): string;
  /** Reads the files again; false (and the old certificate kept) when they cannot be used. */
  reload(): boolean;
  stop(): void;
}

/**
 * Serves new certificate files without a restart: the files are polled (a
 * renewal that replaces them by rename is seen, which an inotify watch on the
 * old inode would miss) and reloaded on SIGHUP through `reload()`. New
 * connections get the new certificate; open ones keep theirs. A half-written
 * pair (new certificate, old key) is refused and the old one kept until the
 * pair matches again.
 */
export function watchCertificate(server: HttpsServer, files: CertificateFiles, first: KeyPair, logger?: Logger, intervalMs = 1000): CertificateWatch {
  let current = first;
  let served = certificateFingerprint(first.cert);
  const reload = (): boolean => {
    let pair: KeyPair;
    try {
      pair = readKeyPair(files);
    } catch (e) {
      logger?.warn({ cert: files.cert, key: files.key, reason: (e as Error).message }, 'API certificate not reloaded; still serving the previous one');
      return false;
    }
    if (pair.cert === current.cert && pair.key === current.key) return true;
    server.setSecureContext(secureOptions(pair));
    current = pair;
    served = certificateFingerprint(pair.cert);
    logger?.info({ cert: files.cert, fingerprint: served }, 'API certificate reloaded');
    return true;
  };
  const changed = () => void reload();
  watchFile(files.cert, { interval: intervalMs, persistent: false }, changed);
  watchFile(files.key, { interval: intervalMs, persistent: false }, changed);
  return {
    fingerprint: () => served,
    reload,
    stop() {
      unwatchFile(files.cert, changed);
      unwatchFile(files.key, changed);
    },
  };
}
