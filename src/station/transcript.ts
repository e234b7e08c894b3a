import { decodeEntry, type Entry } from '../core/entry.ts';
import { mergeTranscript, type TranscriptItem } from '../core/transcript.ts';
import type { LineRecord, Store } from './storage/store.ts';

export interface TranscriptView {
  items: Array<TranscriptItem & { bytes: Uint8Array; deliveredTo: string[] }>;
  pending: number;
}

/** The line's transcript as this station holds it, with delivery receipts on each entry. */
export async function readTranscript(store: Store, line: LineRecord, held: (party: string) => number): Promise<TranscriptView> {
  const logs = new Map<string, Entry[]>();
  const bytes = new Map<string, Uint8Array[]>();
  const receipts = new Map<string, Map<string, number>>();
  for (const party of line.parties) {
    const log = { line: line.id, party: party.name };
    const raw = await store.entries(log, 0, held(party.name));
    bytes.set(party.name, raw);
    logs.set(party.name, raw.map(decodeEntry));
    receipts.set(party.name, await store.cosignedSizes(log));
  }
  const merged = mergeTranscript(logs);
  return {
    pending: merged.pending,
    items: merged.items.map((item) => ({
      ...item,
      bytes: bytes.get(item.entry.party)![item.seq],
      deliveredTo: [...receipts.get(item.entry.party)!].filter(([cosigner, size]) => size > item.seq && line.parties.some((p) => p.name === cosigner)).map(([c]) => c).sort(),
    })),
  };
}
