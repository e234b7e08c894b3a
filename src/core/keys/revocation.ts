// A revocation statement, made by `hotline init` and kept offline (like an
// OpenPGP revocation certificate): the key says of itself that it is no
// longer to be trusted. Anyone holding the key can make one, a thief too,
// and that is harmless: revoking a stolen key only takes it away from the
// thief. What a revocation cannot say is which key replaces the old one:
// a thief could claim any. The replacement is confirmed by the peers'
// operators, who hear its fingerprint from the party's operators
// (`hotline peer revoke`), and the compromise time comes with it.
import type { Crypto, PqSigner, Signer } from '../crypto.ts';
import { bytesEqual } from '../encoding.ts';
import { HotlineError } from '../errors.ts';
import { parseVerifierKey, type VerifierKey } from '../note/key.ts';
import { mlDsaNoteKeyOf, signMlDsaNote } from '../note/mldsa.ts';
import { signNote, verifyNote } from '../note/note.ts';
import { noteText } from './rotation.ts';
import { formatStatement, parseStatement, type StatementField } from './statement.ts';

export const REVOCATION_HEADER = 'hotline/key-revocation/v1';

export const revocationFields: StatementField[] = [{ word: 'party' }, { word: 'key' }, { word: 'pq-key', optional: true }];

export interface RevocationStatement {
  party: string;
  /** Verifier key text of the revoked key. */
  key: string;
  pqKey?: string;
}

/** Signs a revocation of `key` (and of the ML-DSA key, when given: it signs too). */
export function signRevocation(c: Crypto, party: string, key: string, signer: Signer, pq?: { key: string; signer: PqSigner }): string {
  const parsed = parseVerifierKey(c, key);
  if (parsed.name !== party || !bytesEqual(parsed.publicKey, signer.publicKey)) throw new HotlineError('bad_request', 'a revocation is signed by the key it revokes');
  if (pq && !bytesEqual(parseVerifierKey(c, pq.key).publicKey, pq.signer.publicKey)) throw new HotlineError('bad_request', 'a revocation is signed by the ML-DSA key it revokes');
  const text = formatStatement(REVOCATION_HEADER, revocationFields, { party, key, 'pq-key': pq?.key });
  return signNote(c, text, [{ name: party, signer }]) + (pq ? signMlDsaNote(c, party, pq.signer, text) : '');
}

/** Verifies a revocation statement: well formed and signed by the key it revokes. */
export function verifyRevocation(c: Crypto, note: string): { statement: RevocationStatement; key: VerifierKey } {
  const v = parseStatement(REVOCATION_HEADER, revocationFields, noteText(note));
  let key: VerifierKey;
  try {
    key = parseVerifierKey(c, v.key);
  } catch (e) {
    throw new HotlineError('bad_request', `the revoked key is not a verifier key: ${(e as Error).message}`);
  }
  if (key.name !== v.party) throw new HotlineError('bad_request', `the revoked key is named ${key.name}, not ${v.party}`);
  try {
    verifyNote(c, note, [key]);
  } catch (e) {
    throw new HotlineError('integrity', `the revocation of ${v.party}'s key is not signed by that key: ${(e as Error).message}`);
  }
  if (v['pq-key'] && c.verifyMlDsa44) {
    try {
      verifyNote(c, note, [mlDsaNoteKeyOf(c, parseVerifierKey(c, v['pq-key']))]);
    } catch (e) {
      throw new HotlineError('integrity', `the revocation of ${v.party}'s key is not signed by the ML-DSA key it names: ${(e as Error).message}`);
    }
  }
  return { statement: { party: v.party, key: v.key, pqKey: v['pq-key'] }, key };
}

/**
 * A revocation as a station records it: the key, since when it may have
 * been in other hands, and the key its operators confirmed in its place.
 */
export interface Revocation {
  party: string;
  /** Verifier key text of the revoked key. */
  key: string;
  /** Entries this key signed at or after this time (ms) are disputed. */
  compromisedAt: number;
  /** The confirmed replacement's verifier key text, when known. */
  replacement?: string;
}

/** Whether verifier key text names `key` (same name and public key); text that is no key names nothing. */
export function namesKey(c: Crypto, text: string, key: VerifierKey): boolean {
  try {
    const k = parseVerifierKey(c, text);
    return k.name === key.name && bytesEqual(k.publicKey, key.publicKey);
  } catch {
    return false;
  }
}

/** The record revoking `party`'s `key`, if any. */
export function revocationOf(c: Crypto, revocations: readonly Revocation[], party: string, key: VerifierKey): Revocation | undefined {
  return revocations.find((r) => r.party === party && namesKey(c, r.key, key));
}
