// Byte/text codecs for the pure core. Buffer is off limits here and atob/btoa
// work on Latin-1 strings and accept sloppy input, so these are hand-written
// and strict: every byte string has exactly one accepted text form, which
// keeps signed text and its parsed value in one-to-one correspondence.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard (RFC 4648 §4) base64 with padding. */
export function toBase64(b: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (b[i] << 16) | (b[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

function b64Value(s: string, i: number): number {
  const code = s.charCodeAt(i);
  const v = code < 128 ? B64_INDEX[code] : -1;
  if (v < 0) throw new Error(`invalid base64 character at offset ${i}`);
  return v;
}

/**
 * Strict standard base64: padding required, no whitespace, and the unused
 * low bits of the last quantum must be zero (so "AB==" is rejected in
 * favour of "AA==").
 */
export function fromBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new Error('invalid base64 length');
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  const full = s.length - (pad ? 4 : 0);
  for (let i = 0; i < full; i += 4) {
    const n = (b64Value(s, i) << 18) | (b64Value(s, i + 1) << 12) | (b64Value(s, i + 2) << 6) | b64Value(s, i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (pad === 2) {
    const a = b64Value(s, full);
    const b = b64Value(s, full + 1);
    if (b & 15) throw new Error('non-canonical base64 padding bits');
    out[o++] = (a << 2) | (b >> 4);
  } else if (pad === 1) {
    const a = b64Value(s, full);
    const b = b64Value(s, full + 1);
    const c = b64Value(s, full + 2);
    if (c & 3) throw new Error('non-canonical base64 padding bits');
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

const HEX = '0123456789abcdef';

/** Lower-case hex. */
export function toHex(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return out;
}

function hexValue(code: number, i: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  throw new Error(`invalid hex character at offset ${i}`);
}

/** Accepts either case (hex has no other ambiguity); rejects odd length and non-hex characters. */
export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new Error('invalid hex length');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = (hexValue(s.charCodeAt(2 * i), 2 * i) << 4) | hexValue(s.charCodeAt(2 * i + 1), 2 * i + 1);
  }
  return out;
}

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as text instead of silently dropping it,
// which would make decode(encode(x)) lose bytes that were signed.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True if `s` has no unpaired surrogates, i.e. it round-trips through UTF-8. */
export function isWellFormed(s: string): boolean {
  // Native where the runtime has it (Node 20, current browsers): every entry's text goes through here.
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (native) return native.call(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** UTF-8 encoding; throws on unpaired surrogates rather than writing U+FFFD. */
export function utf8Encode(s: string): Uint8Array {
  if (!isWellFormed(s)) throw new Error('string is not well-formed UTF-16');
  return encoder.encode(s);
}

/** UTF-8 decoding; throws on any invalid sequence. */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
