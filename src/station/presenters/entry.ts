import type { Crypto } from '../../core/crypto.ts';
import { toBase64 } from '../../core/encoding.ts';
import { decodeEntry } from '../../core/entry.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import type { EntryView } from '../../wire/entry.ts';
import type { Disputed } from './disputed.ts';

/** An entry as the API shows it; `disputed` marks one a revoked key signed after its compromise. */
export function presentEntry(c: Crypto, bytes: Uint8Array, disputed?: Disputed): EntryView {
  const e = decodeEntry(bytes);
  const view: EntryView = { party: e.party, seq: e.seq, time: e.time, kind: e.kind, body: e.body, seen: e.seen, leafHash: toBase64(leafHash(c, bytes)), signature: e.sig };
  if (disputed?.(e.party, e.seq, e.time)) view.disputed = true;
  return view;
}
