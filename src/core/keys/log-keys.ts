// Which key signs which entry of a log. A log starts with the key the line
// names for its party; a `key.rotate` entry (signed by the old key) moves it
// to the new key from the next entry on; a `key.revoke` entry (signed by
// the replacement) replaces a revoked key, but only with a replacement this
// verifier's operators confirmed: a revocation proves the old key is bad,
// not that the new one is good. The checkpoint of a size is signed by the
// key that signed the last entry it covers.
import { Value } from '@sinclair/typebox/value';
import type { Crypto } from '../crypto.ts';
import { bytesEqual } from '../encoding.ts';
import type { Entry } from '../entry.ts';
import { HotlineError } from '../errors.ts';
import { KEY_REVOKE, KEY_ROTATE, KeyRevokeBody, KeyRotateBody } from '../kinds/key.ts';
import { parseVerifierKey, type VerifierKey } from '../note/key.ts';
import { namesKey, revocationOf, verifyRevocation, type Revocation } from './revocation.ts';
import { verifyRotation } from './rotation.ts';

/** What a verifier trusts beyond the log itself. */
export interface KeyTrust {
  /** Revocations its operators recorded (or, for a bundle, the exporting station's). */
  revocations?: readonly Revocation[];
  /** Keys confirmed out of band (`--pin`): a replacement that is pinned needs no other confirmation. */
  pinned?: readonly VerifierKey[];
}

export interface KeySpan {
  key: VerifierKey;
  /** The first entry it signs. */
  from: number;
  /** How the log came to it. */
  by: 'line' | 'rotation' | 'revocation';
}

function integrity(message: string, party: string, seq: number): HotlineError {
  return new HotlineError('integrity', message, { party, seq });
}

export class LogKeys {
  private readonly spans: KeySpan[];
  /** The key that signed the last entry checked: it signs the checkpoint of this size. */
  private last: VerifierKey;

  constructor(
    private readonly c: Crypto,
    private readonly party: string,
    initial: VerifierKey,
    private readonly trust: KeyTrust = {},
  ) {
    this.spans = [{ key: initial, from: 0, by: 'line' }];
    this.last = initial;
  }

  /** The key in use now: it signs the next entry (unless that entry replaces a revoked key). */
  get current(): VerifierKey {
    return this.spans[this.spans.length - 1].key;
  }

  /** Every key the log has used so far, with the entry each began at. */
  get chain(): readonly KeySpan[] {
    return this.spans;
  }

  /** The key the checkpoint at the size checked so far must be signed by. */
  get checkpointKey(): VerifierKey {
    return this.last;
  }

  /**
   * The key that must have signed `entry`, the next entry of the log (decoded,
   * not yet verified). A `key.revoke` entry is signed by the replacement it
   * names, which must be confirmed here.
   */
  signerOf(entry: Entry): VerifierKey {
    if (entry.kind !== KEY_REVOKE) return this.current;
    return this.confirmedReplacement(entry);
  }

  /** Moves on past `entry`, whose signature by `signerOf(entry)` verified. */
  advance(entry: Entry): void {
    const seq = entry.seq;
    const signer = this.signerOf(entry);
    this.last = signer;
    if (entry.kind === KEY_ROTATE) {
      if (!Value.Check(KeyRotateBody, entry.body)) throw integrity(`entry ${seq} of ${this.party}'s log is a malformed key rotation`, this.party, seq);
      let next: VerifierKey;
      try {
        const r = verifyRotation(this.c, entry.body.statement, this.current);
        if (r.rotation.party !== this.party) throw new Error(`it rotates ${r.rotation.party}'s key`);
        next = r.new;
      } catch (e) {
        throw integrity(`entry ${seq} of ${this.party}'s log: ${(e as Error).message}`, this.party, seq);
      }
      // A rotation the old key signed after it was compromised may be the thief's: follow it only to a confirmed key.
      if (this.disputed(entry, signer) && !this.confirmed(signer, next)) {
        throw integrity(`entry ${seq} of ${this.party}'s log rotates a revoked key after its compromise time to a key nobody here confirmed`, this.party, seq);
      }
      this.spans.push({ key: next, from: seq + 1, by: 'rotation' });
    } else if (entry.kind === KEY_REVOKE) {
      this.spans.push({ key: signer, from: seq, by: 'revocation' });
    }
  }

  /** The revocation this verifier holds for `key`, if any. */
  revocationOf(key: VerifierKey): Revocation | undefined {
    return revocationOf(this.c, this.trust.revocations ?? [], this.party, key);
  }

  /** An entry is disputed when the key that signed it was revoked and it claims a time at or after the compromise. */
  disputed(entry: Entry, signer: VerifierKey): boolean {
    const r = this.revocationOf(signer);
    return r !== undefined && entry.time >= r.compromisedAt;
  }

  private confirmed(old: VerifierKey, replacement: VerifierKey): boolean {
    if ((this.trust.pinned ?? []).some((p) => p.name === replacement.name && bytesEqual(p.publicKey, replacement.publicKey))) return true;
    const r = this.revocationOf(old);
    return r?.replacement !== undefined && namesKey(this.c, r.replacement, replacement);
  }

  private confirmedReplacement(entry: Entry): VerifierKey {
    const seq = entry.seq;
    if (!Value.Check(KeyRevokeBody, entry.body)) throw integrity(`entry ${seq} of ${this.party}'s log is a malformed key revocation`, this.party, seq);
    let revoked: VerifierKey;
    let replacement: VerifierKey;
    try {
      revoked = verifyRevocation(this.c, entry.body.revocation).key;
      replacement = parseVerifierKey(this.c, entry.body.key);
    } catch (e) {
      throw integrity(`entry ${seq} of ${this.party}'s log: ${(e as Error).message}`, this.party, seq);
    }
    if (!bytesEqual(revoked.publicKey, this.current.publicKey)) throw integrity(`entry ${seq} of ${this.party}'s log revokes a key the log is not using`, this.party, seq);
    if (replacement.name !== this.party) throw integrity(`entry ${seq} of ${this.party}'s log names a replacement key for ${replacement.name}`, this.party, seq);
    if (!this.confirmed(revoked, replacement)) {
      throw integrity(`entry ${seq} of ${this.party}'s log replaces its revoked key with one no operator here has confirmed; confirm it with: hotline peer revoke ${this.party}`, this.party, seq);
    }
    return replacement;
  }
}
