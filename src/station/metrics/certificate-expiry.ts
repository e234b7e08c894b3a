import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

/** Certificate files by what they serve: `api` (the HTTPS API) and `link` (the peer link's TLS). */
export type CertificatePaths = Partial<Record<'api' | 'link', string>>;

/**
 * When each certificate stops being valid, read from its file at scrape time,
 * so a certificate replaced and reloaded (SIGHUP) shows at once. A file that
 * is missing or unreadable (plain HTTP on loopback, a link never started)
 * gives no series rather than a wrong one.
 */
export function certificateExpiry(registry: Registry, paths: CertificatePaths): void {
  new Gauge({
    name: 'hotline_tls_certificate_expiry_timestamp_seconds', help: 'When the certificate stops being valid (its notAfter), in seconds since the epoch, by what it serves (api, link)', labelNames: ['certificate'], registers: [registry],
    collect() {
      this.reset();
      for (const [certificate, path] of Object.entries(paths)) {
        const notAfter = expiry(path);
        if (notAfter !== undefined) this.set({ certificate }, notAfter);
      }
    },
  });
}

function expiry(path: string | undefined): number | undefined {
  if (!path) return undefined;
  try {
    const seconds = Date.parse(new X509Certificate(readFileSync(path)).validTo) / 1000;
    return Number.isFinite(seconds) ? seconds : undefined;
  } catch {
    return undefined;
  }
}
