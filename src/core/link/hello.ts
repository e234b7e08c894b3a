import { concatBytes, utf8Encode } from '../encoding.ts';

export type LinkRole = 'dialer' | 'listener';

/**
 * What each station signs to prove its key on this very TLS session: the
 * session's exported keying material (RFC 5705 / RFC 9266 tls-exporter), the
 * signer's role and both party names. A man in the middle terminating TLS
 * holds two sessions with two different exporters, so a signature relayed
 * from one session never verifies on the other.
 */
export function helloSigningInput(role: LinkRole, from: string, to: string, exporter: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(`hotline/link/v1\n${role}\n${from}\n${to}\n`), exporter);
}

export const EXPORTER_LABEL = 'EXPORTER-hotline-link-v1';
export const EXPORTER_LENGTH = 32;
