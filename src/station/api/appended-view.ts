import { toBase64 } from '../../core/encoding.ts';
import type { Appended } from '../appender.ts';
import type { Appended as AppendedView } from '../../wire/appended.ts';

/** What a write answers with, once the entry is on disk. */
export function appendedView(a: Appended): AppendedView {
  return { id: `${a.party}:${a.seq}`, party: a.party, seq: a.seq, time: a.time, leafHash: toBase64(a.leafHash) };
}
