import { createSecureContext, type TLSSocket } from 'node:tls';

/**
 * The hybrid TLS 1.3 group (X25519 with ML-KEM-768, IANA 0x11EC). OpenSSL
 * 3.5 offers it, and makes it the default, from Node 24 (and late 22
 * releases); Node 20's OpenSSL 3.0 does not have it.
 */
export const HYBRID_TLS_GROUP = 'X25519MLKEM768';

let hybridGroup: boolean | undefined;

/** Whether this platform's TLS can negotiate X25519MLKEM768: found by asking OpenSSL to use it, once. */
export function platformHasHybridGroup(): boolean {
  if (hybridGroup === undefined) {
    try {
      createSecureContext({ ecdhCurve: HYBRID_TLS_GROUP });
      hybridGroup = true;
    } catch {
      hybridGroup = false;
    }
  }
  return hybridGroup;
}

/**
 * The groups both ends of a link offer: the hybrid group first where the
 * platform has it (then X25519 and P-256, for a peer on an older platform);
 * elsewhere the platform's own list, unchanged.
 */
export function linkTlsGroups(): { ecdhCurve?: string } {
  return platformHasHybridGroup() ? { ecdhCurve: `${HYBRID_TLS_GROUP}:X25519:P-256` } : {};
}

/**
 * The group this TLS session's key exchange used, as the dialing side's TLS
 * library reports it ('' when it does not). Node reports it on the client
 * side only. Before nodejs/node#64119 it reported nothing for ML-KEM groups
 * (an empty object), while it does report the classical ones in our list; so
 * on a platform with the hybrid group, an empty report on TLS 1.3 is that
 * group.
 */
export function negotiatedGroup(socket: TLSSocket): string {
  const info = socket.getEphemeralKeyInfo() as { name?: string } | null;
  if (info?.name) return info.name;
  if (info && Object.keys(info).length === 0 && platformHasHybridGroup() && socket.getProtocol() === 'TLSv1.3') return HYBRID_TLS_GROUP;
  return '';
}
