import { Type, type Static } from '@sinclair/typebox';

// Messages between linked stations, one JSON object per WebSocket text frame.
// Entries travel as base64 of their exact bytes; everything a station
// receives is checked against signatures before it is stored.

const Name = Type.String({ maxLength: 64 });
const LineId = Type.String({ maxLength: 64 });
const Count = Type.Integer({ minimum: 0 });

export const Hello = Type.Object({
  t: Type.Literal('hello'),
  party: Name,
  sig: Type.String({ maxLength: 200 }),
  /**
   * The sender's key rotations, oldest first (signed rotation statements): a
   * peer that pinned an older key follows them to the key that signed this
   * hello. Absent while the station has never rotated.
   */
  keys: Type.Optional(Type.Array(Type.String({ maxLength: 16384 }), { maxItems: 8 })),
  /**
   * The verifier key that signed this hello. A peer that cannot reach it from
   * its pin (a key replaced after a revocation) remembers it as offered, for
   * its operators to confirm by fingerprint (`hotline peer revoke`).
   */
  key: Type.Optional(Type.String({ maxLength: 4096 })),
});

export const LineOffer = Type.Object({
  t: Type.Literal('lines'),
  lines: Type.Array(
    Type.Object({
      id: LineId,
      title: Type.String({ maxLength: 200 }),
      parties: Type.Array(Type.Object({ name: Name, key: Type.String({ maxLength: 300 }) }), { maxItems: 32 }),
      discreet: Type.Boolean(),
      createdAt: Count,
    }),
    { maxItems: 10000 },
  ),
});

export const Have = Type.Object({
  t: Type.Literal('have'),
  logs: Type.Array(Type.Object({ line: LineId, party: Name, size: Count }), { maxItems: 100000 }),
  /** The sender could not use what it was sent (a gap, an unknown line): send again from `size`. */
  resend: Type.Optional(Type.Boolean()),
});

export const Push = Type.Object({
  t: Type.Literal('push'),
  line: LineId,
  party: Name,
  start: Count,
  entries: Type.Array(Type.String({ maxLength: 90000 }), { maxItems: 1024 }),
  /** The author's signed checkpoint covering (at most) start + entries.length. */
  checkpoint: Type.Optional(Type.String({ maxLength: 20000 })),
});

export const Cosign = Type.Object({
  t: Type.Literal('cosign'),
  line: LineId,
  party: Name,
  size: Count,
  cosigner: Name,
  signature: Type.String({ maxLength: 400 }),
  /** The cosigner's ML-DSA-44 line on the same checkpoint (type 0x06, about 3.3 KB), when it has an ML-DSA key. */
  pqSignature: Type.Optional(Type.String({ maxLength: 4000 })),
});

/**
 * WebRTC signalling for a call, relayed between the two sides' consoles. It
 * is not logged (it is ephemeral), but an offer or answer carries the signed
 * entry that recorded its DTLS fingerprint, so the receiving station checks
 * the SDP against what the other station signed.
 */
export const Signal = Type.Object({
  t: Type.Literal('signal'),
  line: LineId,
  call: Type.String({ maxLength: 100 }),
  kind: Type.Union([Type.Literal('offer'), Type.Literal('answer'), Type.Literal('ice'), Type.Literal('bye')]),
  data: Type.String({ maxLength: 20000 }),
  /** base64 of the entry (call.request or call.accept) that recorded the sender's fingerprint. */
  proof: Type.Optional(Type.String({ maxLength: 90000 })),
});

export const LinkMessage = Type.Union([Hello, LineOffer, Have, Push, Cosign, Signal]);
export type Signal = Static<typeof Signal>;
export type LinkMessage = Static<typeof LinkMessage>;
export type Push = Static<typeof Push>;
export type Have = Static<typeof Have>;
export type Cosign = Static<typeof Cosign>;
export type LineOffer = Static<typeof LineOffer>;
