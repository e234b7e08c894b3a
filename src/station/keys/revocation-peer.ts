// A peer's key revoked, as the peer's operators told ours: `hotline peer
// revoke`. The replacement is confirmed by its fingerprint read aloud (the
// key itself came with the party's hello, recorded in `keys.offered`), or
// handed over whole; the compromise time comes with it. A revocation
// statement the party published revokes the pinned key on its own, with no
// replacement: the entries after the compromise are disputed and the key
// links no more, until the operators confirm the new key.
import type { Crypto } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import { HotlineError, badRequest } from '../../core/errors.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { validPartyName } from '../../core/line.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { fingerprint } from '../identity.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import type { PeerRecord, Store } from '../storage/store.ts';
import { knownRevocations, offeredKey, recordRevocation, statementOf } from './revocations.ts';

export interface PeerRevocationInput {
  compromisedAt: number;
  /** The new key's fingerprint as read aloud. */
  fingerprint?: string;
  /** The new verifier key, handed over whole. */
  key?: string;
  /** The revocation statement the party published. */
  statement?: string;
}

export interface PeerRevocationOutcome {
  record: Revocation;
  /** The pin after it: under the replacement when there is one. */
  peer: PeerRecord;
  /** False when the same revocation was already recorded. */
  changed: boolean;
}

/** Six groups of five digits, however they were typed (spaces, dashes). */
export function normalFingerprint(text: string): string {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^[0-9]{30}$/.test(digits)) throw badRequest('the fingerprint is six groups of five digits, as `hotline key revoke` printed it');
  return digits.match(/.{5}/g)!.join(' ');
}

function parseKey(c: Crypto, text: string, what: string): VerifierKey {
  try {
    return parseVerifierKey(c, text);
  } catch (e) {
    throw badRequest(`${what} is not a signed-note verifier key: ${(e as Error).message}`);
  }
}

/** The replacement the operators confirmed: the key given, or the offered one the fingerprint names. */
async function replacementOf(c: Crypto, store: Store, party: string, input: PeerRevocationInput): Promise<string | undefined> {
  const heard = input.fingerprint === undefined ? undefined : normalFingerprint(input.fingerprint);
  let key = input.key;
  if (key === undefined) {
    if (heard === undefined) return undefined;
    const offered = await offeredKey(store, party);
    if (!offered) throw new HotlineError('conflict', `${party}'s station has not dialled in under a new key yet, so there is no key to match the fingerprint against: wait until it has (its link shows down until then), or give the key itself with --key`);
    key = offered.key;
    if (fingerprint(key) !== heard) {
      throw new HotlineError('conflict', `the key ${party}'s station offered has fingerprint ${fingerprint(key)}, not the one read aloud (${heard}): nothing recorded; check with ${party}'s operators (a key nobody read aloud may be the thief's)`);
    }
  } else if (heard !== undefined && fingerprint(key) !== heard) {
    throw badRequest(`the key given has fingerprint ${fingerprint(key)}, not the one read aloud (${heard}): nothing recorded`);
  }
  const parsed = parseKey(c, key, 'the new key');
  if (parsed.name !== party) throw badRequest(`the new key belongs to ${parsed.name}, not ${party}`);
  const revoked = (await knownRevocations(store)).find((r) => r.party === party && bytesEqual(parseKey(c, r.key, 'a revoked key').publicKey, parsed.publicKey));
  if (revoked) throw new HotlineError('conflict', `the key ${fingerprint(key)} is itself revoked here (compromised since ${new Date(revoked.compromisedAt).toISOString()}): it cannot replace another`);
  return key;
}

export async function revokePeerKey(c: Crypto, store: Store, me: string, party: string, input: PeerRevocationInput, by: { actor?: string; address?: string; clock: () => number }): Promise<PeerRevocationOutcome> {
  if (!validPartyName(party)) throw badRequest('peer name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (party === me) throw badRequest('this is our own station: revoke its key with `hotline key revoke --statement revocation.txt`');
  if (input.statement === undefined && input.key === undefined && input.fingerprint === undefined) {
    throw badRequest('give the new key\'s fingerprint (read aloud by its operators), the new key, or the revocation statement the party published');
  }
  const pinned = (await store.listPeers()).find((p) => p.name === party);
  if (!pinned) throw new HotlineError('not_found', `${party} is not pinned here: nothing of its to revoke`);
  const replacement = await replacementOf(c, store, party, input);
  const pinnedKey = parseKey(c, pinned.key, `the pinned key of ${party}`);

  // Asked again after it took effect: the pin is the replacement already.
  if (replacement !== undefined && bytesEqual(parseKey(c, replacement, 'the new key').publicKey, pinnedKey.publicKey)) {
    const done = (await knownRevocations(store)).find((r) => r.party === party && r.replacement !== undefined && bytesEqual(parseKey(c, r.replacement, 'a recorded replacement').publicKey, pinnedKey.publicKey));
    if (!done) throw badRequest(`that is the key ${party} is pinned with now: a key cannot replace itself`);
    const again = await recordRevocation(c, store, { ...done, compromisedAt: input.compromisedAt });
    return { record: again.record, peer: pinned, changed: again.changed };
  }

  if (input.statement !== undefined) {
    const { statement, key } = statementOf(c, input.statement);
    if (statement.party !== party) throw badRequest(`the statement revokes ${statement.party}'s key, not ${party}'s`);
    if (!bytesEqual(key.publicKey, pinnedKey.publicKey)) throw new HotlineError('conflict', `the statement revokes key ${fingerprint(statement.key)}, but ${party} is pinned here with ${fingerprint(pinned.key)}`);
  }

  const { record, changed } = await recordRevocation(c, store, { party, key: pinned.key, compromisedAt: input.compromisedAt, ...(replacement ? { replacement } : {}) });
  let peer = pinned;
  if (replacement !== undefined) {
    peer = { ...pinned, key: replacement };
    await store.setPeer(peer);
  }
  await recordSecurityEvent(store, by.clock(), {
    kind: 'peer.pinned', member: null, actor: by.actor ?? null, address: by.address ?? null,
    detail: `${party}'s key ${fingerprint(pinned.key)} revoked, compromised since ${new Date(record.compromisedAt).toISOString()}; ${replacement ? `key changed to ${fingerprint(replacement)} (confirmed aloud)` : 'no replacement confirmed yet: its links are refused'}${by.actor ? '' : '; by the operator on the station machine'}`,
  });
  await store.announce({ kind: 'peers' });
  return { record, peer, changed };
}
