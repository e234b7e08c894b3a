import { BUNDLE_FORMAT, type Bundle } from '../core/bundle.ts';
import { toBase64 } from '../core/encoding.ts';
import { decodeEntry } from '../core/entry.ts';
import { definitionBody, LINE_DEFINE } from '../core/kinds/line-definition.ts';
import { knownRevocations } from './keys/revocations.ts';
import type { LineRecord, Store } from './storage/store.ts';

/**
 * A bundle of every log of the line this station holds, each up to its latest
 * checkpoint, naming the party whose log begins with the signed definition.
 * A party whose signed checkpoint never reached this station has no log in
 * it, and the bundle then fails verification: it is not the whole record.
 * The revocations this station recorded for the line's parties go with it,
 * so `hotline verify --bundle` follows a log across a `key.revoke` and
 * reports the entries a revoked key signed after its compromise as disputed.
 */
export async function exportBundle(store: Store, line: LineRecord): Promise<Bundle> {
  const logs: Bundle['logs'] = [];
  let creator: string | undefined;
  for (const party of line.parties) {
    const log = { line: line.id, party: party.name };
    const cp = await store.latestCheckpoint(log);
    if (!cp) continue;
    const entries = await store.entries(log, 0, cp.size);
    if (entries.length > 0 && decodeEntry(entries[0]).kind === LINE_DEFINE) creator = party.name;
    logs.push({ party: party.name, checkpoint: cp.note, entries: entries.map(toBase64) });
  }
  // Only the defining fields: whatever else a record holds locally is not part of the line.
  const { id, title, parties, discreet, createdAt } = definitionBody(line);
  const names = new Set(line.parties.map((p) => p.name));
  const revocations = (await knownRevocations(store)).filter((r) => names.has(r.party));
  return { format: BUNDLE_FORMAT, line: { id, title, parties, discreet, createdAt }, ...(creator ? { creator } : {}), logs, ...(revocations.length ? { revocations } : {}) };
}
