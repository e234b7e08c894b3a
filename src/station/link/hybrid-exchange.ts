import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Crypto, Signer } from '../../core/crypto.ts';
import { fromBase64, toBase64 } from '../../core/encoding.ts';
import {
  answerSigningInput, fullTranscript, keyScheduleInputs, MLKEM768_CIPHERTEXT_LENGTH, MLKEM768_ENCAPSULATION_KEY_LENGTH, offerSigningInput,
  splitSessionKeys, X25519_PUBLIC_LENGTH, type FullTranscript, type OfferTranscript, type SessionKeys,
} from '../../core/link/hybrid.ts';
import type { KexAnswer, KexOffer } from '../../core/link/hybrid-messages.ts';

// The hybrid key exchange's cryptography: X25519 from node:crypto, ML-KEM-768
// (FIPS 203) from @noble/post-quantum, HKDF-SHA256 from node:crypto. Why
// this library and this design: docs/decisions.md; the bytes:
// docs/link-protocol.md and src/core/link/hybrid.ts.

/** Why an exchange failed; each closes the connection with 4001 and the message as its reason. */
export type ExchangeFailure = 'no_offer' | 'no_answer' | 'bad_share' | 'bad_signature' | 'not_offered' | 'closed';

export class ExchangeError extends Error {
  constructor(readonly kind: ExchangeFailure, message: string) {
    super(message);
  }
}

/** Who the two ends are, as their hellos proved, and this TLS session's exporter for the exchange. */
export interface ExchangeParties {
  dialer: string;
  listener: string;
  /** Raw 32-byte Ed25519 station keys. */
  dialerKey: Uint8Array;
  listenerKey: Uint8Array;
  exporter: Uint8Array;
  crypto: Crypto;
  /** This end's station key. */
  signer: Signer;
}

// DER prefix of an X25519 SubjectPublicKeyInfo (RFC 8410): node:crypto imports raw keys only this way.
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** An X25519 key pair: the private key kept as a KeyObject, the public one raw. */
export interface X25519Pair {
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

/**
 * The ephemeral secrets of one exchange. They are made fresh for every
 * exchange; tests pass their own to check the derivation byte by byte.
 */
export interface DialerEphemeral {
  x25519: X25519Pair;
  mlkem: { publicKey: Uint8Array; secretKey: Uint8Array };
}
export interface ListenerEphemeral {
  x25519: X25519Pair;
  /** ML-KEM.Encaps's 32 random bytes m (FIPS 203 Algorithm 20); drawn by the library when absent. */
  mlkemRandomness?: Uint8Array;
}

export function x25519Pair(): X25519Pair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(X25519_SPKI_PREFIX.length)) };
}

function x25519Secret(privateKey: KeyObject, theirs: Uint8Array): Uint8Array {
  let secret: Buffer;
  try {
    const publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, theirs]), format: 'der', type: 'spki' });
    secret = diffieHellman({ privateKey, publicKey });
  } catch {
    throw new ExchangeError('bad_share', 'the X25519 share is not a usable public key');
  }
  // A low-order point gives all zeros: a share chosen to contribute nothing (RFC 7748 §6.1).
  if (secret.every((b) => b === 0)) throw new ExchangeError('bad_share', 'the X25519 share is a low-order point');
  return new Uint8Array(secret);
}

function decode(what: string, text: string, length: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text);
  } catch {
    throw new ExchangeError('bad_share', `${what} is not base64`);
  }
  if (bytes.length !== length) throw new ExchangeError('bad_share', `${what} is ${bytes.length} bytes, not ${length}`);
  return bytes;
}

/**
 * The session keys from both shared secrets: HKDF-SHA256 over the inputs
 * core/link/hybrid.ts lays out. src/core/link/hybrid.test.ts checks that
 * changing either secret changes both keys, and the bytes against an HKDF
 * computed by hand.
 */
export function deriveSessionKeys(x25519: Uint8Array, mlkem: Uint8Array, exporter: Uint8Array, transcriptHash: Uint8Array): SessionKeys {
  const k = keyScheduleInputs(x25519, mlkem, exporter, transcriptHash);
  return splitSessionKeys(new Uint8Array(hkdfSync('sha256', k.ikm, k.salt, k.info, k.length)));
}

function offerTranscriptOf(p: ExchangeParties, tlsGroup: string, dialerX25519: Uint8Array, ek: Uint8Array): OfferTranscript {
  return { dialer: p.dialer, listener: p.listener, dialerKey: p.dialerKey, listenerKey: p.listenerKey, exporter: p.exporter, tlsGroup, dialerX25519, mlkemEncapsulationKey: ek };
}

/**
 * The dialer's side: fresh X25519 and ML-KEM-768 key pairs for this one
 * session, offered under the dialer's station key. `finish` checks the
 * listener's signed answer and derives the keys; the private halves live only
 * in this closure and are gone with it.
 */
export function offer(
  p: ExchangeParties,
  tlsGroup: string,
  ephemeral: DialerEphemeral = { x25519: x25519Pair(), mlkem: ml_kem768.keygen() },
): { message: KexOffer; finish(answer: KexAnswer): SessionKeys } {
  const { x25519: x, mlkem: kem } = ephemeral;
  const t = offerTranscriptOf(p, tlsGroup, x.publicKey, kem.publicKey);
  const sig = p.signer.sign(offerSigningInput(p.crypto.sha256, t));
  return {
    message: { t: 'kex.offer', x25519: toBase64(x.publicKey), mlkem: toBase64(kem.publicKey), tlsGroup, sig: toBase64(sig) },
    finish(answer) {
      const full: FullTranscript = {
        ...t,
        listenerX25519: decode(`${p.listener}'s X25519 share`, answer.x25519, X25519_PUBLIC_LENGTH),
        mlkemCiphertext: decode(`${p.listener}'s ML-KEM-768 ciphertext`, answer.ct, MLKEM768_CIPHERTEXT_LENGTH),
      };
      const signature = decode(`${p.listener}'s answer signature`, answer.sig, 64);
      if (!p.crypto.verify(p.listenerKey, answerSigningInput(p.crypto.sha256, full), signature)) {
        throw new ExchangeError('bad_signature', `${p.listener}'s key-exchange answer is not signed by its station key for this TLS session`);
      }
      const ssX = x25519Secret(x.privateKey, full.listenerX25519);
      // Decapsulation never fails: a bad ciphertext gives a different secret (implicit rejection), and the first frame does not open.
      const ssK = ml_kem768.decapsulate(full.mlkemCiphertext, kem.secretKey);
      kem.secretKey.fill(0);
      return deriveSessionKeys(ssX, ssK, p.exporter, p.crypto.sha256(fullTranscript(full)));
    },
  };
}

/**
 * The listener's side: checks the dialer's signed offer, answers with its own
 * X25519 share and the ML-KEM-768 ciphertext under its station key, and
 * derives the keys.
 */
export function answer(
  p: ExchangeParties,
  message: KexOffer,
  ephemeral: ListenerEphemeral = { x25519: x25519Pair() },
): { message: KexAnswer; keys: SessionKeys; tlsGroup: string } {
  const t = offerTranscriptOf(
    p,
    message.tlsGroup,
    decode(`${p.dialer}'s X25519 share`, message.x25519, X25519_PUBLIC_LENGTH),
    decode(`${p.dialer}'s ML-KEM-768 encapsulation key`, message.mlkem, MLKEM768_ENCAPSULATION_KEY_LENGTH),
  );
  const signature = decode(`${p.dialer}'s offer signature`, message.sig, 64);
  if (!p.crypto.verify(p.dialerKey, offerSigningInput(p.crypto.sha256, t), signature)) {
    throw new ExchangeError('bad_signature', `${p.dialer}'s key-exchange offer is not signed by its station key for this TLS session`);
  }
  let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    // Checks the key as FIPS 203 §7.2 asks (length and modulus) before using it.
    encapsulated = ml_kem768.encapsulate(t.mlkemEncapsulationKey, ephemeral.mlkemRandomness);
  } catch {
    throw new ExchangeError('bad_share', `${p.dialer}'s ML-KEM-768 encapsulation key is not valid`);
  }
  const x = ephemeral.x25519;
  const ssX = x25519Secret(x.privateKey, t.dialerX25519);
  const full: FullTranscript = { ...t, listenerX25519: x.publicKey, mlkemCiphertext: encapsulated.cipherText };
  const sig = p.signer.sign(answerSigningInput(p.crypto.sha256, full));
  const keys = deriveSessionKeys(ssX, encapsulated.sharedSecret, p.exporter, p.crypto.sha256(fullTranscript(full)));
  encapsulated.sharedSecret.fill(0);
  return { message: { t: 'kex.answer', x25519: toBase64(x.publicKey), ct: toBase64(encapsulated.cipherText), sig: toBase64(sig) }, keys, tlsGroup: message.tlsGroup };
}
