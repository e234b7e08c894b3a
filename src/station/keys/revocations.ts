// The revocations this station knows, kept in the station setting
// `keys.revocations` (a JSON array of core `Revocation` records). The
// handshake and the replicator read it as the trust for LogKeys; the
// presenters and the export read it to mark disputed entries. Only this
// module writes it, so a record always passed the checks below.
import { Value } from '@sinclair/typebox/value';
import { Type } from '@sinclair/typebox';
import type { Crypto } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import { HotlineError } from '../../core/errors.ts';
import { verifyRevocation, type Revocation } from '../../core/keys/revocation.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import type { Store } from '../storage/store.ts';

export const REVOCATIONS_SETTING = 'keys.revocations';
/** Written by the handshake: the key a party's hello named when the pin could not reach it. */
export const OFFERED_SETTING = 'keys.offered';

const Stored = Type.Object({
  party: Type.String(),
  key: Type.String(),
  compromisedAt: Type.Integer({ minimum: 0 }),
  replacement: Type.Optional(Type.String()),
});

export interface OfferedKey {
  /** Verifier key text the party's hello named. */
  key: string;
  /** When it was offered (ms). */
  at: number;
}

/** Counts the writes through recordRevocation per store, so a reader's cache knows when to read again. */
const revisions = new WeakMap<Store, number>();
export function revocationsRevision(store: Store): number {
  return revisions.get(store) ?? 0;
}

/** Every revocation recorded here. A record that does not parse is skipped: a bad row must not stop the links. */
export async function knownRevocations(store: Store): Promise<Revocation[]> {
  const value = await store.setting(REVOCATIONS_SETTING);
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is Revocation => Value.Check(Stored, r)).map(({ party, key, compromisedAt, replacement }) => ({ party, key, compromisedAt, ...(replacement ? { replacement } : {}) }));
}

/** The key a party's hello named recently that its pin did not reach, if any. */
export async function offeredKey(store: Store, party: string): Promise<OfferedKey | undefined> {
  const value = (await store.setting(OFFERED_SETTING)) as Record<string, unknown> | null | undefined;
  const o = value && typeof value === 'object' ? (value as Record<string, unknown>)[party] : undefined;
  if (!o || typeof o !== 'object') return undefined;
  const { key, at } = o as { key?: unknown; at?: unknown };
  return typeof key === 'string' && typeof at === 'number' ? { key, at } : undefined;
}

function sameKey(c: Crypto, a: string, b: string): boolean {
  try {
    const x = parseVerifierKey(c, a);
    const y = parseVerifierKey(c, b);
    return x.name === y.name && bytesEqual(x.publicKey, y.publicKey);
  } catch {
    return a === b;
  }
}

/**
 * Records a revocation. One record per revoked key: recording it again
 * may add the replacement a statement alone lacked, or move the compromise
 * time earlier (more disputed, never less), but never swap a confirmed
 * replacement for another, which is what a thief would try. `replace` is
 * for our own key only, while it still signs: an earlier attempt that
 * failed before the switch named a replacement that never signed anything.
 */
export async function recordRevocation(c: Crypto, store: Store, r: Revocation, options: { replace?: boolean } = {}): Promise<{ record: Revocation; all: Revocation[]; changed: boolean }> {
  const key = parseVerifierKey(c, r.key);
  if (key.name !== r.party) throw new HotlineError('bad_request', `the revoked key is named ${key.name}, not ${r.party}`);
  if (r.replacement !== undefined) {
    const rep = parseVerifierKey(c, r.replacement);
    if (rep.name !== r.party) throw new HotlineError('bad_request', `the replacement key is named ${rep.name}, not ${r.party}`);
    if (bytesEqual(rep.publicKey, key.publicKey)) throw new HotlineError('bad_request', 'a key cannot replace itself');
  }
  const all = await knownRevocations(store);
  const at = all.findIndex((x) => x.party === r.party && sameKey(c, x.key, r.key));
  const before = at >= 0 ? all[at] : undefined;
  if (!options.replace && before?.replacement !== undefined && r.replacement !== undefined && !sameKey(c, before.replacement, r.replacement)) {
    throw new HotlineError('conflict', `${r.party}'s key was already revoked here with another replacement; a second replacement is refused (a thief's key would look the same)`);
  }
  const replacement = options.replace && r.replacement !== undefined ? r.replacement : before?.replacement ?? r.replacement;
  const record: Revocation = {
    party: r.party,
    key: before?.key ?? r.key,
    compromisedAt: Math.min(r.compromisedAt, before?.compromisedAt ?? Number.MAX_SAFE_INTEGER),
    ...(replacement !== undefined ? { replacement } : {}),
  };
  const changed = !before || before.compromisedAt !== record.compromisedAt || before.replacement !== record.replacement;
  if (at >= 0) all[at] = record;
  else all.push(record);
  if (changed) {
    await store.setSetting(REVOCATIONS_SETTING, all);
    revisions.set(store, revocationsRevision(store) + 1);
  }
  return { record, all, changed };
}

/** A revocation statement from outside (an operator's file): one that does not verify is bad input (400), not a broken store. */
export function statementOf(c: Crypto, text: string): ReturnType<typeof verifyRevocation> {
  try {
    return verifyRevocation(c, text);
  } catch (e) {
    if (e instanceof HotlineError && e.code === 'integrity') throw new HotlineError('bad_request', e.message);
    throw e;
  }
}
