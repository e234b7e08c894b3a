import type { Crypto } from './crypto.ts';
import { bytesEqual, fromBase64 } from './encoding.ts';
import { HotlineError } from './errors.ts';
import type { Line } from './line.ts';
import { IntegrityError, LogVerifier, openCheckpoint } from './log-verifier.ts';
import { parseVerifierKey, type VerifierKey } from './note/key.ts';
import type { Checkpoint } from './note/checkpoint.ts';

export const BUNDLE_FORMAT = 'hotline-bundle/v1';

/** An offline copy of a line's logs: everything needed to verify them with no station. */
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  line: Line;
  logs: Array<{
    party: string;
    /** Signed-note checkpoint covering exactly `entries`. */
    checkpoint: string;
    /** Entry bytes, base64, in sequence order. */
    entries: string[];
  }>;
}

export interface LogVerdict {
  party: string;
  size: number;
  checkpoint: Checkpoint;
}

/**
 * Verifies every log in a bundle. `pinned` keys, when given, must match the
 * keys the bundle names (the bundle cannot vouch for itself). `since` holds
 * checkpoints seen earlier: each new checkpoint must be consistent with them.
 */
export function verifyBundle(c: Crypto, bundle: Bundle, options: { pinned?: VerifierKey[]; since?: Map<string, string> } = {}): LogVerdict[] {
  if (bundle?.format !== BUNDLE_FORMAT) throw new HotlineError('bad_request', `not a ${BUNDLE_FORMAT} bundle`);
  const verdicts: LogVerdict[] = [];
  const parties = new Set<string>();
  for (const log of bundle.logs) {
    if (parties.has(log.party)) throw new IntegrityError(`bundle holds two logs for ${log.party}`);
    parties.add(log.party);
    const party = bundle.line.parties.find((p) => p.name === log.party);
    if (!party) throw new IntegrityError(`bundle holds a log for ${log.party}, which the line does not name`);
    const key = pinnedKey(c, party.key, options.pinned);
    const subject = { line: bundle.line.id, party: log.party, key };
    const verifier = new LogVerifier(c, subject);
    const earlier = options.since?.get(log.party);
    const old = earlier ? openCheckpoint(c, subject, earlier) : undefined;
    let rootAtOld = old?.size === 0 ? verifier.root() : undefined;
    log.entries.forEach((b64, i) => {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(b64);
      } catch {
        throw new IntegrityError(`entry ${i} of ${log.party}'s log is not base64`, { party: log.party, seq: i });
      }
      verifier.add(bytes);
      if (old && i + 1 === old.size) rootAtOld = verifier.root();
    });
    const checkpoint = verifier.finish(log.checkpoint);
    // With every entry at hand, consistency is simply: the tree we grew had the old root at the old size.
    if (old && (!rootAtOld || !bytesEqual(rootAtOld, old.root))) {
      throw new IntegrityError(`${log.party}'s log is not consistent with the checkpoint seen earlier at size ${old.size}: two histories`);
    }
    verdicts.push({ party: log.party, size: checkpoint.size, checkpoint });
  }
  return verdicts;
}

function pinnedKey(c: Crypto, text: string, pinned?: VerifierKey[]): VerifierKey {
  const key = parseVerifierKey(c, text);
  if (!pinned) return key;
  const pin = pinned.find((p) => p.name === key.name);
  if (!pin) return key;
  if (!bytesEqual(pin.publicKey, key.publicKey)) throw new IntegrityError(`the bundle's key for ${key.name} is not the pinned key`);
  return key;
}
