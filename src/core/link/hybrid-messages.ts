import { Type, type Static } from '@sinclair/typebox';

// The two messages of the hybrid key exchange, one JSON object per WebSocket
// text frame, right after both hellos verify (see hybrid.ts for what they
// sign and docs/link-protocol.md for the bytes). Fields are base64 of exact
// lengths: 32-byte X25519 shares, a 1184-byte ML-KEM-768 encapsulation key,
// a 1088-byte ciphertext and 64-byte Ed25519 signatures; the limits below are
// those lengths in base64, so a longer field is refused before it is decoded.

const b64 = (bytes: number) => Type.String({ maxLength: 4 * Math.ceil(bytes / 3) });

/** The dialer's shares, signed by its station key. */
export const KexOffer = Type.Object({
  t: Type.Literal('kex.offer'),
  x25519: b64(32),
  mlkem: b64(1184),
  /** The TLS group the dialer's TLS library reports for this session ("" if none). */
  tlsGroup: Type.String({ maxLength: 64 }),
  sig: b64(64),
});
export type KexOffer = Static<typeof KexOffer>;

/** The listener's X25519 share and the ML-KEM-768 ciphertext to the dialer's key, signed by its station key. */
export const KexAnswer = Type.Object({
  t: Type.Literal('kex.answer'),
  x25519: b64(32),
  ct: b64(1088),
  sig: b64(64),
});
export type KexAnswer = Static<typeof KexAnswer>;
