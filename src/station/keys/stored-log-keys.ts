// Which key signed each entry of a stored log, read from the log itself: the
// key its line names for the party, then every key.rotate and key.revoke
// entry. Logs are positional and only grow, so what was read once stays
// true; each log is read once, then only its new entries.
import { Value } from '@sinclair/typebox/value';
import type { Crypto } from '../../core/crypto.ts';
import { decodeEntry, type Entry } from '../../core/entry.ts';
import { noteText } from '../../core/keys/rotation.ts';
import { ROTATION_HEADER, rotationFields } from '../../core/keys/rotation.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { parseStatement } from '../../core/keys/statement.ts';
import { KEY_REVOKE, KEY_ROTATE, KeyRevokeBody, KeyRotateBody } from '../../core/kinds/key.ts';
import { partyOf } from '../../core/line.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import type { LogId, Store } from '../storage/store.ts';
import { knownRevocations, revocationsRevision } from './revocations.ts';

const CHUNK = 1024;
/** How long revocations read from the store are trusted without reading again, unless this process recorded one. */
const REVOCATIONS_FRESH_MS = 1000;

interface Read {
  /** Entries read so far. */
  upTo: number;
  /** The line's key, then each change: the key and the first entry it signs. */
  spans: Array<{ key: string; from: number }>;
}

export class StoredLogKeys {
  private readonly logs = new Map<string, Read>();
  /** The replicator asks for them on every push and receipt: read once a second, and at once after a revocation recorded here. */
  private cached?: { at: number; revision: number; value: Revocation[] };

  constructor(private readonly store: Store, private readonly crypto: Crypto) {}

  /**
   * The verifier key text that signs entry `seq` of the log (for seq at or past the stored size: the key in use at the end).
   * `stored`: the log's size if the caller knows it (the replicator does), which saves reading it.
   */
  async keyAt(log: LogId, seq: number, stored?: number): Promise<string | undefined> {
    const read = await this.read(log, seq, stored);
    if (!read) return undefined;
    let key = read.spans[0].key;
    for (const s of read.spans) if (s.from <= seq) key = s.key;
    return key;
  }

  /** keyAt, parsed. */
  async verifierAt(log: LogId, seq: number, stored?: number): Promise<VerifierKey | undefined> {
    const text = await this.keyAt(log, seq, stored);
    return text === undefined ? undefined : parseVerifierKey(this.crypto, text);
  }

  /** The key that signs the checkpoint of `size`: the one that signed its last entry (the line's key for size 0). */
  async checkpointKeyAt(log: LogId, size: number): Promise<VerifierKey | undefined> {
    return this.verifierAt(log, Math.max(0, size - 1));
  }

  /** Every key the party's log has used, oldest first (as far as the stored entries tell). */
  async chain(log: LogId, stored?: number): Promise<string[]> {
    const read = await this.read(log, Number.MAX_SAFE_INTEGER, stored);
    return read ? read.spans.map((s) => s.key) : [];
  }

  /** The revocations recorded at this station. */
  async revocations(): Promise<Revocation[]> {
    const now = performance.now();
    const revision = revocationsRevision(this.store);
    const c = this.cached;
    if (c && c.revision === revision && now - c.at < REVOCATIONS_FRESH_MS) return c.value;
    const value = await knownRevocations(this.store);
    this.cached = { at: now, revision, value };
    return value;
  }

  /**
   * Entries `from`.. of the log were just stored by the caller, which decoded
   * them already: they are read from here instead of from the store again
   * (only if they follow what was read so far).
   */
  learn(log: LogId, from: number, entries: readonly Entry[]): void {
    const read = this.logs.get(`${log.line}\n${log.party}`);
    if (!read || read.upTo !== from) return;
    entries.forEach((e, i) => this.note(read, e, from + i));
  }

  private note(read: Read, e: Entry, at: number): void {
    if (e.kind === KEY_ROTATE && Value.Check(KeyRotateBody, e.body)) {
      read.spans.push({ key: parseStatement(ROTATION_HEADER, rotationFields, noteText(e.body.statement)).new, from: at + 1 });
    } else if (e.kind === KEY_REVOKE && Value.Check(KeyRevokeBody, e.body)) {
      read.spans.push({ key: e.body.key, from: at });
    }
    read.upTo = at + 1;
  }

  private async read(log: LogId, seq: number, stored?: number): Promise<Read | undefined> {
    const id = `${log.line}\n${log.party}`;
    let read = this.logs.get(id);
    if (!read) {
      const line = await this.store.line(log.line);
      const key = line && partyOf(line, log.party)?.key;
      if (!key) return undefined;
      read = { upTo: 0, spans: [{ key, from: 0 }] };
      this.logs.set(id, read);
    }
    const want = Math.min(seq + 1, stored ?? (await this.store.logSize(log)));
    while (read.upTo < want) {
      const start = read.upTo;
      const entries = await this.store.entries(log, start, Math.min(want, start + CHUNK));
      if (entries.length === 0) break;
      for (const [i, bytes] of entries.entries()) {
        const at = start + i;
        if (at < read.upTo) continue;
        this.note(read, decodeEntry(bytes), at);
      }
    }
    return read;
  }
}
