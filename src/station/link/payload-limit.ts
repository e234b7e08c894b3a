import type WebSocket from 'ws';

/**
 * The largest message either end accepts before the other has proved its
 * station key. A bare hello is about 250 bytes (with the key it names), but a
 * station that rotated carries its latest rotation statements (at most 8, the
 * hello schema's limit) so that a peer pinned to an older key can follow:
 * an Ed25519 statement is about 0.5 KiB, one that also rotates the ML-DSA-44
 * keys about 10 KiB (two 1312-byte public keys and two 2420-byte signatures,
 * in base64). 8 × 10 KiB plus the rest fits in 96 KiB; with PRE_AUTH_TOTAL
 * (128) unauthenticated connections, a flood can make the listener buffer at
 * most 12 MiB, not the process.
 */
export const PRE_AUTH_MAX_PAYLOAD = 96 * 1024;

/**
 * The largest message between authenticated stations, unchanged from before
 * the pre-authentication limit: the replicator pushes at most 256 entries
 * (each at most 64 KiB, so about 22 MiB in base64), and a line offer of
 * 10,000 lines is a few MiB.
 */
export const LINK_MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * Raises the largest message `ws` accepts from now on, once the other end has
 * authenticated. `ws` fixes maxPayload when it builds a connection's receiver
 * and offers no public way to change it, so this sets the receiver's own field
 * (`_receiver._maxPayload`, read for every frame header in ws 8). It checks
 * the field is there and throws otherwise: a ws release that renames it fails
 * loudly here, and src/station/link/payload-limit.test.ts, rather than leaving
 * peers' large messages refused.
 */
export function raisePayloadLimit(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') {
    throw new Error('this version of ws keeps no _receiver._maxPayload: the link cannot raise its message limit after authentication');
  }
  receiver._maxPayload = bytes;
}
