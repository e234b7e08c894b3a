import { concatBytes, utf8Encode } from '../encoding.ts';

// The link's hybrid key exchange, its pure parts: what is hashed, signed and
// fed to the key derivation, and the rule for sealed frames' nonces. The
// X25519 and ML-KEM-768 operations, HKDF and AES-GCM run in the station
// (src/station/link/hybrid-exchange.ts, frame-seal.ts); docs/link-protocol.md
// gives the same bytes.

/** The exchange's name, as the link's status reports it. */
export const HYBRID_EXCHANGE = 'X25519+ML-KEM-768';
/** What seals each frame after the exchange. */
export const FRAME_CIPHER = 'AES-256-GCM';

/** A TLS exporter of its own for the exchange (RFC 5705): distinct from the hello's, so neither value stands in for the other. */
export const KEX_EXPORTER_LABEL = 'EXPORTER-hotline-link-kex-v1';
export const KEX_EXPORTER_LENGTH = 32;

export const X25519_PUBLIC_LENGTH = 32;
export const MLKEM768_ENCAPSULATION_KEY_LENGTH = 1184;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;
export const SHARED_SECRET_LENGTH = 32;
export const SESSION_KEY_LENGTH = 32;
export const STATION_KEY_LENGTH = 32;
/** The 16-byte GCM tag each sealed frame ends with. */
export const FRAME_TAG_LENGTH = 16;
export const FRAME_NONCE_LENGTH = 12;

/**
 * The most plaintext one direction's key seals before the link must be set up
 * again (2^36 bytes, 64 GiB: 2^32 AES blocks, keeping the GCM
 * distinguishing bound near 2^-64). The session then closes (4004) and the
 * dialer reconnects with a fresh exchange; replication resumes where it was.
 */
export const SEALED_BYTES_PER_KEY = 2 ** 36;
/** Frames per direction before the same (the counter itself would last 2^96). */
export const SEALED_FRAMES_PER_KEY = 2 ** 48;

const CONTEXT = 'hotline/link/kex/v1';

/** Everything both ends agree on before the listener answers. */
export interface OfferTranscript {
  dialer: string;
  listener: string;
  /** Raw Ed25519 station keys (32 bytes each) the hellos proved. */
  dialerKey: Uint8Array;
  listenerKey: Uint8Array;
  /** exportKeyingMaterial(32, KEX_EXPORTER_LABEL, ""), the same on both ends of one TLS session only. */
  exporter: Uint8Array;
  /** The TLS group the dialer's TLS library reports ("" if it reports none). */
  tlsGroup: string;
  dialerX25519: Uint8Array;
  mlkemEncapsulationKey: Uint8Array;
}

export interface FullTranscript extends OfferTranscript {
  listenerX25519: Uint8Array;
  mlkemCiphertext: Uint8Array;
}

/** A name as a 2-byte big-endian length and its UTF-8: unambiguous whatever the name holds. */
function field(text: string): Uint8Array {
  const bytes = utf8Encode(text);
  if (bytes.length > 0xffff) throw new Error('a transcript field is longer than 65535 bytes');
  return concatBytes(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}

function exact(what: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) throw new Error(`${what} is ${bytes.length} bytes, not ${length}`);
  return bytes;
}

/**
 * T_offer: the context line, both names, both station keys, the exporter,
 * the dialer's TLS group and the dialer's two public shares.
 */
export function offerTranscript(t: OfferTranscript): Uint8Array {
  return concatBytes(
    utf8Encode(`${CONTEXT}\n`),
    field(t.dialer),
    field(t.listener),
    exact('the dialer\'s station key', t.dialerKey, STATION_KEY_LENGTH),
    exact('the listener\'s station key', t.listenerKey, STATION_KEY_LENGTH),
    exact('the exporter', t.exporter, KEX_EXPORTER_LENGTH),
    field(t.tlsGroup),
    exact('the dialer\'s X25519 share', t.dialerX25519, X25519_PUBLIC_LENGTH),
    exact('the ML-KEM-768 encapsulation key', t.mlkemEncapsulationKey, MLKEM768_ENCAPSULATION_KEY_LENGTH),
  );
}

/** T_full: T_offer, then the listener's X25519 share and the ML-KEM-768 ciphertext. */
export function fullTranscript(t: FullTranscript): Uint8Array {
  return concatBytes(
    offerTranscript(t),
    exact('the listener\'s X25519 share', t.listenerX25519, X25519_PUBLIC_LENGTH),
    exact('the ML-KEM-768 ciphertext', t.mlkemCiphertext, MLKEM768_CIPHERTEXT_LENGTH),
  );
}

/** What the dialer signs with its station key: its shares, bound to both keys and this TLS session. */
export function offerSigningInput(sha256: (b: Uint8Array) => Uint8Array, t: OfferTranscript): Uint8Array {
  return concatBytes(utf8Encode(`${CONTEXT} offer\n`), sha256(offerTranscript(t)));
}

/** What the listener signs with its station key: the whole exchange. */
export function answerSigningInput(sha256: (b: Uint8Array) => Uint8Array, t: FullTranscript): Uint8Array {
  return concatBytes(utf8Encode(`${CONTEXT} answer\n`), sha256(fullTranscript(t)));
}

export interface KeyScheduleInputs {
  ikm: Uint8Array;
  salt: Uint8Array;
  info: Uint8Array;
  length: number;
}

/**
 * HKDF-SHA256 inputs for the session keys. Both shared secrets go into the
 * input keying material, so the keys stay secret while either X25519 or
 * ML-KEM-768 holds; the info is the transcript hash, so they are bound to
 * both names and station keys and to every public share, and the salt is this
 * TLS session's own exporter. 64 bytes out: dialer→listener, then
 * listener→dialer.
 */
export function keyScheduleInputs(x25519Secret: Uint8Array, mlkemSecret: Uint8Array, exporter: Uint8Array, transcriptHash: Uint8Array): KeyScheduleInputs {
  return {
    ikm: concatBytes(exact('the X25519 shared secret', x25519Secret, SHARED_SECRET_LENGTH), exact('the ML-KEM-768 shared secret', mlkemSecret, SHARED_SECRET_LENGTH)),
    salt: exact('the exporter', exporter, KEX_EXPORTER_LENGTH),
    info: concatBytes(utf8Encode('hotline/link/v1 session keys\n'), exact('the transcript hash', transcriptHash, 32)),
    length: 2 * SESSION_KEY_LENGTH,
  };
}

export interface SessionKeys {
  dialerToListener: Uint8Array;
  listenerToDialer: Uint8Array;
}

export function splitSessionKeys(okm: Uint8Array): SessionKeys {
  exact('the derived key material', okm, 2 * SESSION_KEY_LENGTH);
  return { dialerToListener: okm.slice(0, SESSION_KEY_LENGTH), listenerToDialer: okm.slice(SESSION_KEY_LENGTH) };
}

/**
 * The nonce of a direction's n-th sealed frame (n from 0): four zero bytes
 * and n as a 64-bit big-endian integer. The counter is never sent; each end
 * counts, so a frame replayed, reordered, dropped or altered fails to open.
 */
export function frameNonce(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('a frame counter is a non-negative safe integer');
  const nonce = new Uint8Array(FRAME_NONCE_LENGTH);
  let v = n;
  for (let i = FRAME_NONCE_LENGTH - 1; i >= 4; i--) {
    nonce[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return nonce;
}

/** Whether a direction may seal one more frame of `bytes` after `frames` frames and `sealed` bytes. */
export function withinKeyBudget(frames: number, sealed: number, bytes: number): boolean {
  return frames < SEALED_FRAMES_PER_KEY && sealed + bytes <= SEALED_BYTES_PER_KEY;
}

/** The link is post-quantum protected if the inner exchange ran or TLS itself negotiated an ML-KEM group. */
export function isPostQuantum(exchange: string, tlsGroup: string | null): boolean {
  return exchange === HYBRID_EXCHANGE || /MLKEM/i.test(tlsGroup ?? '');
}
