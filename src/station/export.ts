import { BUNDLE_FORMAT, type Bundle } from '../core/bundle.ts';
import { toBase64 } from '../core/encoding.ts';
import type { Line } from '../core/line.ts';
import type { LineRecord, Store } from './storage/store.ts';

/** A bundle of every log of the line this station holds, each up to its latest checkpoint. */
export async function exportBundle(store: Store, line: LineRecord): Promise<Bundle> {
  const { memberIds: _local, ...definition } = line;
  const logs: Bundle['logs'] = [];
  for (const party of line.parties) {
    const log = { line: line.id, party: party.name };
    const cp = await store.latestCheckpoint(log);
    if (!cp) continue;
    const entries = await store.entries(log, 0, cp.size);
    logs.push({ party: party.name, checkpoint: cp.note, entries: entries.map(toBase64) });
  }
  return { format: BUNDLE_FORMAT, line: definition as Line, logs };
}
