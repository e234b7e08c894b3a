import canonicalize from 'canonicalize';
import type { Crypto, Signer } from './crypto.ts';
import { HotlineError } from './errors.ts';
import { fromBase64, toBase64, utf8Decode, utf8Encode, concatBytes } from './encoding.ts';
import { isLineId, validPartyName } from './line.ts';

// The format is specified in docs/entry-format.md; keep the two in step.

export const ENTRY_VERSION = 1;
/** tlog-tiles entry bundles carry a 16-bit length, so no entry may be longer. */
export const MAX_ENTRY_BYTES = 65535;
const SIGNING_CONTEXT = utf8Encode('hotline/entry/v1\n');
const KIND = /^[a-z][a-z0-9._-]{0,63}$/;
const FIELDS = ['body', 'kind', 'line', 'party', 'seen', 'seq', 'sig', 'time', 'v'];

export type JsonObject = { [key: string]: unknown };

/** Everything an entry says, before the author's signature. */
export interface EntryFields {
  v: typeof ENTRY_VERSION;
  line: string;
  party: string;
  seq: number;
  /** Milliseconds since the Unix epoch, by the author station's clock. */
  time: number;
  kind: string;
  body: JsonObject;
  /** Size of each peer log the author had seen when writing: the causal order of the transcript. */
  seen: Record<string, number>;
}

export interface Entry extends EntryFields {
  /** Base64 Ed25519 signature over the signing bytes. */
  sig: string;
}

export class EntryError extends HotlineError {
  constructor(message: string) {
    super('integrity', message);
  }
}

function jcs(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    // e.g. a lone UTF-16 surrogate: no canonical JSON exists for it.
    throw new HotlineError('bad_request', `entry cannot be canonicalised: ${(e as Error).message}`);
  }
  if (text === undefined) throw new HotlineError('bad_request', 'entry is not representable as JSON');
  return text;
}

function unsignedText(fields: EntryFields): string {
  const { v, line, party, seq, time, kind, body, seen } = fields;
  return jcs({ v, line, party, seq, time, kind, body, seen });
}

export function entrySigningBytes(fields: EntryFields): Uint8Array {
  return concatBytes(SIGNING_CONTEXT, utf8Encode(unsignedText(fields)));
}

/** Signs and serialises an entry; the result is exactly what the log's leaf hashes. */
export function encodeEntry(fields: EntryFields, signer: Signer): Uint8Array {
  const prepared = prepareEntry(fields);
  return prepared.finish(signer.sign(prepared.signingBytes));
}

/**
 * The two halves of encodeEntry, for signing many entries elsewhere at once:
 * the bytes to sign, and the function that makes the entry from the signature.
 */
export function prepareEntry(fields: EntryFields): { signingBytes: Uint8Array; finish(signature: Uint8Array): Uint8Array } {
  try {
    checkFields(fields);
  } catch (e) {
    // Writing a malformed entry is the writer's mistake, not a broken record.
    throw new HotlineError('bad_request', (e as Error).message);
  }
  const unsigned = unsignedText(fields);
  const unsignedBytes = utf8Encode(unsigned);
  // The signature adds `,"sig":"` + 88 base64 characters + `"`: refuse an entry that would not fit before anyone signs it.
  const length = unsignedBytes.length + 97;
  if (length > MAX_ENTRY_BYTES) throw new HotlineError('too_large', `entry is ${length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
  return {
    signingBytes: concatBytes(SIGNING_CONTEXT, unsignedBytes),
    finish(signature) {
      const sig = toBase64(signature);
      // JCS orders members by key, so "sig" sits just before the top-level "time",
      // which is the last `,"time":` in the text (a nested one can only come earlier).
      // Splicing it in saves canonicalising the whole entry a second time.
      const at = unsigned.lastIndexOf(',"time":');
      const bytes = utf8Encode(`${unsigned.slice(0, at)},"sig":"${sig}"${unsigned.slice(at)}`);
      if (bytes.length > MAX_ENTRY_BYTES) {
        throw new HotlineError('too_large', `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
      }
      return bytes;
    },
  };
}

/** Parses entry bytes, insisting on the canonical form (so one entry has one encoding). */
export function decodeEntry(bytes: Uint8Array): Entry {
  return decodeCanonical(bytes).entry;
}

function decodeCanonical(bytes: Uint8Array): { entry: Entry; text: string } {
  if (bytes.length > MAX_ENTRY_BYTES) throw new EntryError(`entry is longer than ${MAX_ENTRY_BYTES} bytes`);
  let text: string;
  let value: unknown;
  try {
    text = utf8Decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw new EntryError('entry is not UTF-8 JSON');
  }
  if (!isObject(value)) throw new EntryError('entry is not a JSON object');
  const keys = Object.keys(value).sort();
  if (keys.join() !== FIELDS.join()) throw new EntryError(`entry fields are [${keys.join(', ')}], expected [${FIELDS.join(', ')}]`);
  const entry = value as unknown as Entry;
  checkFields(entry);
  if (typeof entry.sig !== 'string') throw new EntryError('entry signature is not a string');
  let canonical: string | undefined;
  try {
    canonical = canonicalize(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) throw new EntryError('entry is not in canonical (RFC 8785) form');
  return { entry, text };
}

export interface EntryExpectation {
  line: string;
  party: string;
  seq: number;
  /** The author's key, or how to find it from the decoded entry (a log's key changes at a rotation). */
  publicKey: Uint8Array | ((entry: Entry) => Uint8Array);
}

/** An entry decoded and checked against its position, and what its signature must verify over. */
export interface OpenedEntry {
  entry: Entry;
  publicKey: Uint8Array;
  /** The signed bytes: the context, then the canonical text without "sig". */
  message: Uint8Array;
  signature: Uint8Array;
}

/** Decodes and checks an entry against the position it occupies; throws an EntryError naming what is wrong. */
export function verifyEntry(c: Crypto, bytes: Uint8Array, expect: EntryExpectation): Entry {
  const opened = openEntry(bytes, expect);
  if (!c.verify(opened.publicKey, opened.message, opened.signature)) throw new EntryError('entry signature does not verify');
  return opened.entry;
}

/**
 * Everything verifyEntry checks except the signature itself, which the caller
 * verifies (a verifier of a whole log checks signatures on other threads).
 */
export function openEntry(bytes: Uint8Array, expect: EntryExpectation): OpenedEntry {
  const { entry, text } = decodeCanonical(bytes);
  if (entry.line !== expect.line) throw new EntryError(`entry names line ${entry.line}, expected ${expect.line}`);
  if (entry.party !== expect.party) throw new EntryError(`entry names party ${entry.party}, expected ${expect.party}`);
  if (entry.seq !== expect.seq) throw new EntryError(`entry has sequence number ${entry.seq}, expected ${expect.seq}`);
  let sig: Uint8Array;
  try {
    sig = fromBase64(entry.sig);
  } catch {
    throw new EntryError('entry signature is not base64');
  }
  // The text is canonical, so the unsigned form is the text without its top-level
  // "sig" member (the last one: body and seen, which could nest one, come first).
  const member = `,"sig":"${entry.sig}"`;
  const at = text.lastIndexOf(member);
  if (at < 0) throw new EntryError('entry signature is not plain base64');
  const unsigned = text.slice(0, at) + text.slice(at + member.length);
  const publicKey = typeof expect.publicKey === 'function' ? expect.publicKey(entry) : expect.publicKey;
  return { entry, publicKey, message: concatBytes(SIGNING_CONTEXT, utf8Encode(unsigned)), signature: sig };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function checkFields(f: EntryFields): void {
  if (f.v !== ENTRY_VERSION) throw new EntryError(`entry version ${String(f.v)} is not supported`);
  if (typeof f.line !== 'string' || !isLineId(f.line)) throw new EntryError('entry line id is malformed');
  if (typeof f.party !== 'string' || !validPartyName(f.party)) throw new EntryError('entry party name is malformed');
  if (!isCount(f.seq)) throw new EntryError('entry sequence number is not a non-negative integer');
  if (!isCount(f.time)) throw new EntryError('entry time is not a non-negative integer');
  if (typeof f.kind !== 'string' || !KIND.test(f.kind)) throw new EntryError('entry kind is malformed');
  if (!isObject(f.body)) throw new EntryError('entry body is not an object');
  if (!isObject(f.seen)) throw new EntryError('entry seen-sizes are not an object');
  for (const [party, size] of Object.entries(f.seen)) {
    if (!validPartyName(party) || !isCount(size)) throw new EntryError(`entry seen-size for ${party} is malformed`);
  }
}
