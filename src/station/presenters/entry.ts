import type { Crypto } from '../../core/crypto.ts';
import { toBase64 } from '../../core/encoding.ts';
import { decodeEntry } from '../../core/entry.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import type { EntryView } from '../../wire/entry.ts';

export function presentEntry(c: Crypto, bytes: Uint8Array): EntryView {
  const e = decodeEntry(bytes);
  return { party: e.party, seq: e.seq, time: e.time, kind: e.kind, body: e.body, seen: e.seen, leafHash: toBase64(leafHash(c, bytes)), signature: e.sig };
}
