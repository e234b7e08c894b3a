// The fold's record of key changes: where in each party's log its signing
// key changed, so the station can say which key signed any entry (and so
// whether a revocation disputes it) without reading the log again.
import { Value } from '@sinclair/typebox/value';
import type { Entry } from '../entry.ts';
import { KEY_REVOKE, KeyRevokeBody, KeyRotateBody } from '../kinds/key.ts';
import { partyOf } from '../line.ts';
import { REVOCATION_HEADER, revocationFields } from '../keys/revocation.ts';
import { ROTATION_HEADER, rotationFields } from '../keys/rotation.ts';
import { noteText } from '../keys/rotation.ts';
import { parseStatement } from '../keys/statement.ts';
import type { KeyChange, LineState } from './state.ts';

/** Records a key.rotate or key.revoke entry; false if its body is malformed (it was verified, so only a bug or an old format gets here). */
export function foldKeyChange(s: LineState, e: Entry): boolean {
  let change: KeyChange;
  try {
    if (e.kind === KEY_REVOKE) {
      if (!Value.Check(KeyRevokeBody, e.body)) return false;
      const revoked = parseStatement(REVOCATION_HEADER, revocationFields, noteText(e.body.revocation)).key;
      change = { party: e.party, seq: e.seq, from: e.seq, by: 'revocation', key: e.body.key, revoked, compromisedAt: e.body.compromisedAt };
    } else {
      if (!Value.Check(KeyRotateBody, e.body)) return false;
      const next = parseStatement(ROTATION_HEADER, rotationFields, noteText(e.body.statement)).new;
      change = { party: e.party, seq: e.seq, from: e.seq + 1, by: 'rotation', key: next };
    }
  } catch {
    return false;
  }
  const at = s.keyChanges.findIndex((k) => k.party > change.party || (k.party === change.party && k.seq > change.seq));
  s.keyChanges.splice(at < 0 ? s.keyChanges.length : at, 0, change);
  return true;
}

/** The verifier key text that signed (or signs) entry `seq` of `party`'s log, as far as the folded entries tell. */
export function keyAt(s: LineState, party: string, seq: number): string | undefined {
  let key = partyOf(s.line, party)?.key;
  for (const k of s.keyChanges) if (k.party === party && k.from <= seq) key = k.key;
  return key;
}

/** The key `party` signs with now, after every key change folded. */
export function currentKey(s: LineState, party: string): string | undefined {
  return keyAt(s, party, Number.MAX_SAFE_INTEGER);
}
