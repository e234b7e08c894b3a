// A key rotation statement: the old station key names the new one, and the
// new key countersigns. Both signatures are needed, so a statement proves the
// holder of the old key chose the new key and the new key's holder accepted
// (no one can rotate a party onto a key they cannot use). It is recorded as a
// `key.rotate` entry in every log of the station, which makes the change
// happen at a recorded position of each log; verifiers follow it there.
import type { Crypto, PqSigner, Signer } from '../crypto.ts';
import { bytesEqual as sameBytes } from '../encoding.ts';
import { HotlineError } from '../errors.ts';
import { parseVerifierKey, type VerifierKey } from '../note/key.ts';
import { mlDsaNoteKeyOf, signMlDsaNote } from '../note/mldsa.ts';
import { NoteError, signNote, verifyNote } from '../note/note.ts';
import { formatStatement, parseStatement, type StatementField } from './statement.ts';

export const ROTATION_HEADER = 'hotline/key-rotation/v1';

export const rotationFields: StatementField[] = [
  { word: 'party' },
  { word: 'old' },
  { word: 'new' },
  { word: 'time' },
  // The post-quantum (ML-DSA) verifier keys, when the station has one: they rotate together.
  { word: 'pq-old', optional: true },
  { word: 'pq-new', optional: true },
];

export interface Rotation {
  party: string;
  /** Verifier key text of the key that stops signing. */
  old: string;
  /** Verifier key text of the key that signs from the next entry on. */
  new: string;
  /** When the rotation was made (ms, the station's clock): informative, the position in the log is what counts. */
  time: number;
  pqOld?: string;
  pqNew?: string;
}

export function rotationText(r: Rotation): string {
  return formatStatement(ROTATION_HEADER, rotationFields, { party: r.party, old: r.old, new: r.new, time: String(r.time), 'pq-old': r.pqOld, 'pq-new': r.pqNew });
}

/**
 * Signs a rotation with the old key, then the new one. With ML-DSA keys
 * (`pq`), their lines follow (Hotline's ML-DSA note type): the old ML-DSA key
 * signs and the new one countersigns, so the rotation stays provable once
 * Ed25519 no longer is.
 */
export function signRotation(c: Crypto, r: Rotation, oldSigner: Signer, newSigner: Signer, pq?: { old?: PqSigner; new: PqSigner }): string {
  const text = rotationText(r);
  const oldKey = parseVerifierKey(c, r.old);
  const newKey = parseVerifierKey(c, r.new);
  if (!sameBytes(oldKey.publicKey, oldSigner.publicKey) || !sameBytes(newKey.publicKey, newSigner.publicKey)) {
    throw new HotlineError('bad_request', 'the rotation names keys other than the ones signing it');
  }
  const note = signNote(c, text, [{ name: r.party, signer: oldSigner }, { name: r.party, signer: newSigner }]);
  if (!pq) {
    if (r.pqNew || r.pqOld) throw new HotlineError('bad_request', 'a rotation naming ML-DSA keys is signed by them');
    return note;
  }
  if (!r.pqNew || !samePq(c, r.pqNew, pq.new) || (r.pqOld === undefined) !== (pq.old === undefined) || (pq.old && !samePq(c, r.pqOld!, pq.old))) {
    throw new HotlineError('bad_request', 'the rotation names ML-DSA keys other than the ones signing it');
  }
  return note + (pq.old ? signMlDsaNote(c, r.party, pq.old, text) : '') + signMlDsaNote(c, r.party, pq.new, text);
}

function samePq(c: Crypto, vkey: string, signer: PqSigner): boolean {
  return sameBytes(parseVerifierKey(c, vkey).publicKey, signer.publicKey);
}

/** Reads a rotation statement without checking signatures. */
export function parseRotation(c: Crypto, text: string): Rotation {
  const v = parseStatement(ROTATION_HEADER, rotationFields, text);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(v.time)) throw new HotlineError('bad_request', 'the rotation time is not a count of milliseconds');
  const r: Rotation = { party: v.party, old: v.old, new: v.new, time: Number(v.time), pqOld: v['pq-old'], pqNew: v['pq-new'] };
  const oldKey = keyOf(c, r.old, 'old');
  const newKey = keyOf(c, r.new, 'new');
  if (oldKey.name !== r.party || newKey.name !== r.party) throw new HotlineError('bad_request', `the rotation's keys must both be named ${r.party}`);
  if (sameBytes(oldKey.publicKey, newKey.publicKey)) throw new HotlineError('bad_request', 'the rotation names the same key twice');
  return r;
}

/**
 * Verifies a rotation statement (a signed note): well formed, signed by both
 * the old and the new key. With `from`, the old key must be that key (the one
 * the verifier trusts now). Returns the rotation and the two keys.
 */
export function verifyRotation(c: Crypto, note: string, from?: VerifierKey): { rotation: Rotation; old: VerifierKey; new: VerifierKey; pqChecked: boolean } {
  const text = noteText(note);
  const rotation = parseRotation(c, text);
  const oldKey = parseVerifierKey(c, rotation.old);
  const newKey = parseVerifierKey(c, rotation.new);
  if (from && !(from.name === oldKey.name && sameBytes(from.publicKey, oldKey.publicKey))) {
    throw new HotlineError('integrity', `the rotation of ${rotation.party}'s key starts from another key than the one in use`);
  }
  let verified: VerifierKey[];
  try {
    verified = verifyNote(c, note, [oldKey, newKey]).verified;
  } catch (e) {
    throw new HotlineError('integrity', `the rotation of ${rotation.party}'s key does not verify: ${(e as Error).message}`);
  }
  if (!verified.some((k) => sameBytes(k.publicKey, oldKey.publicKey))) throw new HotlineError('integrity', `the rotation of ${rotation.party}'s key is not signed by the old key`);
  if (!verified.some((k) => sameBytes(k.publicKey, newKey.publicKey))) throw new HotlineError('integrity', `the rotation of ${rotation.party}'s key is not countersigned by the new key`);
  // The ML-DSA lines, where the statement names ML-DSA keys and this verifier can check them (a verifier without ML-DSA relies on Ed25519 alone).
  let pqChecked = false;
  if (c.verifyMlDsa44 && (rotation.pqOld || rotation.pqNew)) {
    for (const [which, text] of [['old', rotation.pqOld], ['new', rotation.pqNew]] as const) {
      if (!text) continue;
      try {
        verifyNote(c, note, [mlDsaNoteKeyOf(c, parseVerifierKey(c, text))]);
      } catch (e) {
        throw new HotlineError('integrity', `the rotation of ${rotation.party}'s key is not signed by its ${which} ML-DSA key: ${(e as Error).message}`);
      }
    }
    pqChecked = true;
  }
  return { rotation, old: oldKey, new: newKey, pqChecked };
}

/** The text of a signed note, before its signatures (the note is checked when verified). */
export function noteText(note: string): string {
  if (typeof note !== 'string') throw new HotlineError('bad_request', 'a key statement is a signed note (text)');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new HotlineError('bad_request', 'a key statement is a signed note: its text, a blank line, then signature lines');
  return note.slice(0, split + 1);
}

function keyOf(c: Crypto, text: string, which: string): VerifierKey {
  try {
    return parseVerifierKey(c, text);
  } catch (e) {
    throw new HotlineError('bad_request', `the rotation's ${which} key is not a verifier key: ${e instanceof NoteError ? e.message : String(e)}`);
  }
}
