import { decodeEntry, type Entry } from '../core/entry.ts';
import { mergeTranscript, type TranscriptItem } from '../core/transcript.ts';
import type { LineRecord, Store } from './storage/store.ts';

export interface TranscriptView {
  /** The requested page. */
  items: Array<TranscriptItem & { bytes: Uint8Array; deliveredTo: string[] }>;
  total: number;
  pending: number;
}

/**
 * Reads lines' transcripts. Logs only grow, so decoded entries are kept and
 * extended, and a line's merge is redone only when one of its logs grew:
 * a console paging through a long line does not re-decode it every time.
 */
export class Transcripts {
  private readonly logs = new Map<string, { entries: Entry[]; bytes: Uint8Array[] }>();
  private readonly merged = new Map<string, { sizes: string; items: TranscriptItem[]; pending: number }>();

  constructor(private readonly store: Store) {}

  async read(line: LineRecord, held: (party: string) => number, start = 0, limit = Infinity): Promise<TranscriptView> {
    const logs = new Map<string, Entry[]>();
    const bytes = new Map<string, Uint8Array[]>();
    const sizes: number[] = [];
    for (const party of line.parties) {
      const log = await this.log(line.id, party.name, held(party.name));
      logs.set(party.name, log.entries);
      bytes.set(party.name, log.bytes);
      sizes.push(log.entries.length);
    }
    const key = sizes.join(',');
    let merged = this.merged.get(line.id);
    if (!merged || merged.sizes !== key) {
      const m = mergeTranscript(logs);
      merged = { sizes: key, items: m.items, pending: m.pending };
      this.merged.set(line.id, merged);
    }
    const receipts = new Map<string, Map<string, number>>();
    for (const party of line.parties) receipts.set(party.name, await this.store.cosignedSizes({ line: line.id, party: party.name }));
    return {
      pending: merged.pending,
      total: merged.items.length,
      items: merged.items.slice(start, start + limit).map((item) => ({
        ...item,
        bytes: bytes.get(item.entry.party)![item.seq],
        deliveredTo: [...receipts.get(item.entry.party)!].filter(([cosigner, size]) => size > item.seq && line.parties.some((p) => p.name === cosigner)).map(([c]) => c).sort(),
      })),
    };
  }

  private async log(line: string, party: string, size: number) {
    const key = `${line}\n${party}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { entries: [], bytes: [] }));
    if (log.entries.length < size) {
      const more = await this.store.entries({ line, party }, log.entries.length, size);
      for (const b of more) {
        log.bytes.push(b);
        log.entries.push(decodeEntry(b));
      }
    }
    return log;
  }
}
