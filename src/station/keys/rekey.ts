// A change of the station's key, recorded in every log it writes: one
// key.rotate (signed by the old key, the switch after it) or key.revoke
// (the switch first, signed by the new key) at the end of each own log,
// all in one transaction, with the appender held so that no other entry of
// ours comes between those entries and the switch. Queued sends wait.
//
// Crash safety: the new key is durable (its file written) before any entry
// names it, and the station setting `keys.pending` is written before the
// entries and cleared after the switch. A station restarted with it set
// finishes the change before it writes anything else (resumeRekey, run by
// Station.lead): the entries are written where they are missing, then the
// key is activated and switched to.
import canonicalize from 'canonicalize';
import type { Crypto, Signer } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import { decodeEntry, type JsonObject } from '../../core/entry.ts';
import { HotlineError } from '../../core/errors.ts';
import { parseRotation } from '../../core/keys/rotation.ts';
import { noteText } from '../../core/keys/rotation.ts';
import { KEY_REVOKE, KEY_ROTATE } from '../../core/kinds/key.ts';
import { formatVerifierKey } from '../../core/note/key.ts';
import type { Appended, Appender } from '../appender.ts';
import type { Store } from '../storage/store.ts';
import type { KeySource } from './key-source.ts';
import type { PqKeyFile } from './pq-key.ts';

/** What a key change needs of wherever the key lives (a file or a PKCS#11 token): the key now, a new one beside it, and the switch. */
export type RotatableKey = Pick<KeySource, 'where' | 'current' | 'next' | 'generate' | 'activate'>;
import type { StationKey } from './station-key.ts';

/** The station setting naming a key change under way. */
export const PENDING_SETTING = 'keys.pending';
/** The station setting holding this station's rotations, oldest first. */
export const ROTATIONS_SETTING = 'keys.rotations';

export interface KeyChange {
  kind: typeof KEY_ROTATE | typeof KEY_REVOKE;
  body: JsonObject;
}

export interface PendingKeyChange extends KeyChange {
  /** Verifier key text of the key switched to. */
  key: string;
  /** Each own log's size when the change began: where its entry goes. */
  at: Record<string, number>;
}

/** One rotation of this station's key, as kept in `keys.rotations`. */
export interface RecordedRotation {
  statement: string;
  time: number;
  positions: Array<{ line: string; seq: number }>;
}

export interface RekeyParts {
  store: Store;
  crypto: Crypto;
  appender: Appender;
  /** The holder every part signs through. */
  key: StationKey;
  /** Where the keys live (station.key, station.next.key, retired ones). */
  keys: RotatableKey;
  /** The ML-DSA key file, when the station has one: it changes with the Ed25519 key (the statement's pq-new, or the revocation's pqKey). */
  pq?: Pick<PqKeyFile, 'current' | 'next' | 'generate' | 'activate'>;
}

/** Where each entry of the change was written. */
export type Positions = Array<{ line: string; seq: number }>;

/**
 * Writes `change` at the end of every own log and switches to `next` (a key
 * from keys.generate(), durable already). 409 while another change is under
 * way; 503 while one of our logs is being recovered from peers (its end is
 * not known here, so nothing may be written after it).
 */
export async function rekey(parts: RekeyParts, change: KeyChange, next: Signer): Promise<Positions> {
  const { store, appender, key } = parts;
  return appender.exclusive(async (write) => {
    if (await store.setting(PENDING_SETTING)) throw new HotlineError('conflict', 'a key change is already under way');
    if (change.kind === KEY_ROTATE) {
      // The statement must start from the key signing now: another change may have gone first.
      const r = parseRotation(parts.crypto, noteText(String(change.body.statement)));
      if (r.old !== key.vkey) throw new HotlineError('conflict', 'the rotation starts from a key this station no longer signs with');
    }
    const lines = appender.ownLines();
    for (const line of lines) {
      if (appender.heldLine(line)) throw new HotlineError('unavailable', `this station's log of line ${line} is being recovered from its peers; change the key once it is back`, { retryAfter: 2 });
    }
    const pending: PendingKeyChange = {
      ...change, key: formatVerifierKey(parts.crypto, key.name, next.publicKey),
      at: Object.fromEntries(lines.map((line) => [line, appender.size(line)])),
    };
    await store.setSetting(PENDING_SETTING, pending);
    return finish(parts, pending, next, write);
  });
}

/**
 * Finishes a key change a crash interrupted (keys.pending set): run before
 * the station writes anything. Returns the positions, or undefined if none
 * was under way.
 */
export async function resumeRekey(parts: RekeyParts): Promise<Positions | undefined> {
  const pending = (await parts.store.setting(PENDING_SETTING)) as PendingKeyChange | null;
  if (!pending) return undefined;
  const wanted = (s: Signer | undefined) => s && formatVerifierKey(parts.crypto, parts.key.name, s.publicKey) === pending.key;
  const current = parts.keys.current();
  const next = wanted(current) ? current : parts.keys.next();
  if (!next || !wanted(next)) {
    throw new HotlineError('integrity', `a key change was under way, but its new key (${pending.key}) is neither the current key nor the next one in ${parts.keys.where}`);
  }
  return parts.appender.exclusive((write) => finish(parts, pending, next, write));
}

async function finish(parts: RekeyParts, pending: PendingKeyChange, next: Signer, write: (r: Array<{ line: string; kind: string; body: JsonObject }>) => Promise<Appended[]>): Promise<Positions> {
  const { store, key } = parts;
  const positions: Positions = [];
  const missing: string[] = [];
  for (const [line, seq] of Object.entries(pending.at)) {
    if (await recorded(store, key.name, line, seq, pending)) positions.push({ line, seq });
    else missing.push(line);
  }
  if (pending.kind === KEY_REVOKE) switchKey(parts, next, pending);
  if (missing.length > 0) {
    for (const a of await write(missing.map((line) => ({ line, kind: pending.kind, body: pending.body })))) positions.push({ line: a.line, seq: a.seq });
  }
  if (pending.kind === KEY_ROTATE) {
    switchKey(parts, next, pending);
    const rotations = ((await store.setting(ROTATIONS_SETTING)) as RecordedRotation[] | null) ?? [];
    const statement = String(pending.body.statement);
    if (!rotations.some((r) => r.statement === statement)) {
      rotations.push({ statement, time: parseRotation(parts.crypto, noteText(statement)).time, positions });
      await store.setSetting(ROTATIONS_SETTING, rotations);
    }
    key.rotations = rotations.map((r) => r.statement);
  }
  await store.setSetting(PENDING_SETTING, null);
  return positions;
}

/** Whether the change's entry is already at `seq` of our log of `line`. */
async function recorded(store: Store, me: string, line: string, seq: number, change: KeyChange): Promise<boolean> {
  const [bytes] = await store.entries({ line, party: me }, seq, seq + 1);
  if (!bytes) return false;
  const e = decodeEntry(bytes);
  return e.kind === change.kind && canonicalize(e.body) === canonicalize(change.body);
}

/** The key source activates `next` (the old one retired), and every part signs with it from now on. */
function switchKey(parts: RekeyParts, next: Signer, change: KeyChange): void {
  if (!bytesEqual(parts.keys.current().publicKey, next.publicKey)) parts.keys.activate(next);
  parts.key.switchTo(parts.keys.current());
  // The ML-DSA key the change names becomes current with it (it was made, durable, before the change was signed).
  const pqNew = change.kind === KEY_ROTATE ? parseRotation(parts.crypto, noteText(String(change.body.statement))).pqNew : (change.body.pqKey as string | undefined);
  if (!pqNew || !parts.pq || parts.pq.current()?.vkey === pqNew) return;
  const waiting = parts.pq.next();
  if (waiting?.vkey !== pqNew) throw new HotlineError('integrity', `the key change names the ML-DSA key ${pqNew.slice(0, 40)}…, which is neither the current nor the next one`);
  parts.pq.activate(waiting);
}

/** This station's rotations, oldest first. */
export async function recordedRotations(store: Store): Promise<RecordedRotation[]> {
  return ((await store.setting(ROTATIONS_SETTING)) as RecordedRotation[] | null) ?? [];
}
