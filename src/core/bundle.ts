import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Crypto } from './crypto.ts';
import { bytesEqual, fromBase64 } from './encoding.ts';
import type { Entry } from './entry.ts';
import { HotlineError } from './errors.ts';
import { checkDefinition, checkEntryAgainstLine, type DefinitionVerdict } from './kinds/line-definition.ts';
import type { Line } from './line.ts';
import { IntegrityError, LogVerifier, openCheckpoint } from './log-verifier.ts';
import { parseVerifierKey, type VerifierKey } from './note/key.ts';
import { parseCheckpoint, type Checkpoint } from './note/checkpoint.ts';
import { parseNote } from './note/note.ts';
import type { KeySpan } from './keys/log-keys.ts';
import type { Revocation } from './keys/revocation.ts';

export const BUNDLE_FORMAT = 'hotline-bundle/v1';

/** An offline copy of a line's logs: everything needed to verify them with no station. */
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  line: Line;
  /** The party whose log begins with the signed definition of the line; absent for older lines, which have none. */
  creator?: string;
  logs: Array<{
    party: string;
    /** Signed-note checkpoint covering exactly `entries`. */
    checkpoint: string;
    /** Entry bytes, base64, in sequence order. */
    entries: string[];
  }>;
  /**
   * The key revocations the exporting station's operators recorded (with the
   * replacements they confirmed), so a verifier can follow a log across a
   * revocation and see which entries it disputes. Absent when there are none.
   */
  revocations?: Revocation[];
  /**
   * ML-DSA-44 verifier keys (type 0x06) of the line's parties, as the
   * exporting station holds them (its own and its pins), so a verifier can
   * check the checkpoints' post-quantum lines. Taken from the bundle itself,
   * like the line's keys, unless pinned.
   */
  pqKeys?: string[];
}

// The shape alone, strictly: a bundle is a closed format, so any member that
// is not part of it is a malformed bundle rather than something to ignore.
const Shape = Type.Object(
  {
    format: Type.String(),
    line: Type.Object(
      {
        id: Type.String(),
        title: Type.String(),
        parties: Type.Array(Type.Object({ name: Type.String(), key: Type.String() }, { additionalProperties: false })),
        discreet: Type.Boolean(),
        createdAt: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    creator: Type.Optional(Type.String()),
    logs: Type.Array(Type.Object({ party: Type.String(), checkpoint: Type.String(), entries: Type.Array(Type.String()) }, { additionalProperties: false })),
    pqKeys: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
    revocations: Type.Optional(Type.Array(Type.Object(
      { party: Type.String(), key: Type.String(), compromisedAt: Type.Integer({ minimum: 0 }), replacement: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ))),
  },
  { additionalProperties: false },
);
const shape = TypeCompiler.Compile(Shape);

/** Checks that a parsed JSON value has the shape of a bundle; a `bad_request` names the first thing wrong. */
export function parseBundle(value: unknown): Bundle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HotlineError('bad_request', `not a ${BUNDLE_FORMAT} bundle: the file holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`);
  if ((value as { format?: unknown }).format !== BUNDLE_FORMAT) throw new HotlineError('bad_request', `not a ${BUNDLE_FORMAT} bundle (its format is ${JSON.stringify((value as { format?: unknown }).format) ?? 'missing'})`);
  const problem = shape.Errors(value).First();
  if (problem) throw new HotlineError('bad_request', `malformed ${BUNDLE_FORMAT} bundle: at ${problem.path || '/'}: ${problem.message}`);
  return value as Bundle;
}

export interface LogVerdict {
  party: string;
  size: number;
  checkpoint: Checkpoint;
  /** The keys that signed the log, each from the entry it began at (more than one after a rotation or revocation). */
  keys: readonly KeySpan[];
  /** Entries signed by a revoked key at or after its compromise time. */
  disputed: number[];
}

export interface BundleVerdict {
  logs: LogVerdict[];
  /** Whether the line's definition (title, parties and keys, discreet flag) is covered by its creator's signature. */
  definition: DefinitionVerdict;
}

/**
 * Verifies a bundle: every log of its line, each entry and the tree against
 * the signed checkpoint, and the definition against the one its creator
 * signed. `pinned` keys must match the keys the bundle names (the bundle
 * cannot vouch for itself), and each must belong to a party of the line, so
 * a party cannot be dropped from it. `since` holds checkpoints seen earlier:
 * each log must be consistent with them.
 */
export function verifyBundle(c: Crypto, bundle: Bundle, options: { pinned?: VerifierKey[]; since?: Map<string, string> } = {}): BundleVerdict {
  bundle = parseBundle(bundle);
  const { line } = bundle;
  const keys = lineKeys(c, line, options.pinned ?? []);
  for (const party of options.since?.keys() ?? []) {
    if (!keys.has(party)) throw new IntegrityError(`a checkpoint of ${party}'s log was seen earlier, but the bundle's line does not name ${party}: a party was removed`);
  }
  const verdicts: LogVerdict[] = [];
  const firsts: Array<{ party: string; entry?: Entry }> = [];
  for (const log of bundle.logs) {
    if (firsts.some((f) => f.party === log.party)) throw new IntegrityError(`bundle holds two logs for ${log.party}`);
    const key = keys.get(log.party);
    if (!key) throw new IntegrityError(`bundle holds a log for ${log.party}, which the line does not name`);
    const pin = options.pinned?.find((p) => p.name === log.party);
    const subject = { line: line.id, party: log.party, key, trust: { revocations: bundle.revocations ?? [], pinned: options.pinned ?? [] } };
    const verifier = new LogVerifier(c, subject);
    const earlier = options.since?.get(log.party);
    // The earlier checkpoint's size is read now, its signature checked once the log's keys are known.
    const oldSize = earlier ? unverifiedSize(earlier, log.party) : undefined;
    let rootAtOld = oldSize === 0 ? verifier.root() : undefined;
    let first: Entry | undefined;
    let checkpoint: Checkpoint;
    try {
      log.entries.forEach((b64, i) => {
        let bytes: Uint8Array;
        try {
          bytes = fromBase64(b64);
        } catch {
          throw new IntegrityError(`entry ${i} of ${log.party}'s log is not base64`, { party: log.party, seq: i });
        }
        const entry = verifier.add(bytes);
        checkEntryAgainstLine(line, entry);
        if (i === 0) first = entry;
        if (oldSize !== undefined && i + 1 === oldSize) rootAtOld = verifier.root();
      });
      checkpoint = verifier.finish(log.checkpoint);
    } catch (e) {
      if (pin && !bytesEqual(pin.publicKey, key.publicKey) && !reached(verifier.chain, pin)) {
        throw new IntegrityError(`the line's key for ${log.party} is not the pinned key, and ${log.party}'s log does not rotate to it: ${(e as Error).message}`);
      }
      throw e;
    }
    if (pin && !reached(verifier.chain, pin)) throw new IntegrityError(`the line's key for ${log.party} is not the pinned key, and ${log.party}'s log does not rotate to it`);
    const old = earlier ? openCheckpoint(c, subject, earlier, verifier.chain.map((k) => k.key)) : undefined;
    if (old && old.size > checkpoint.size) throw new IntegrityError(`${log.party}'s log shrank: it was ${old.size} entries, the bundle holds ${checkpoint.size}`);
    // With every entry at hand, consistency is simply: the tree we grew had the old root at the old size.
    if (old && (!rootAtOld || !bytesEqual(rootAtOld, old.root))) {
      throw new IntegrityError(`${log.party}'s log is not consistent with the checkpoint seen earlier at size ${old.size}: two histories`);
    }
    firsts.push({ party: log.party, entry: first });
    verdicts.push({ party: log.party, size: checkpoint.size, checkpoint, keys: verifier.chain, disputed: verifier.disputed });
  }
  const missing = line.parties.filter((p) => !firsts.some((f) => f.party === p.name)).map((p) => p.name);
  if (missing.length) throw new IntegrityError(`the bundle holds no log of ${missing.join(', ')}, which the line names: a log was removed, or the exporting station never received its signed checkpoint`);
  const definition = checkDefinition(line, firsts);
  if (definition.signed && bundle.creator !== definition.creator) {
    throw new IntegrityError(bundle.creator === undefined ? `the bundle does not name the line's creator, ${definition.creator}` : `the bundle names ${bundle.creator} as the line's creator, but ${definition.creator} signed its definition`);
  }
  if (!definition.signed && bundle.creator !== undefined) {
    throw new IntegrityError(`the bundle names ${bundle.creator} as the line's creator, but no log begins with a signed definition of the line: it was removed or never written`);
  }
  return { logs: verdicts, definition };
}

/** Whether a log's chain of keys includes `key`. */
export function reached(chain: readonly KeySpan[], key: VerifierKey): boolean {
  return chain.some((k) => k.key.name === key.name && bytesEqual(k.key.publicKey, key.publicKey));
}

/** The size an earlier checkpoint claims, before its signature can be checked (that needs the log's keys). */
function unverifiedSize(note: string, party: string): number {
  try {
    return parseCheckpoint(parseNote(note).text).size;
  } catch (e) {
    throw new IntegrityError(`the checkpoint of ${party}'s log seen earlier is malformed: ${(e as Error).message}`);
  }
}

/**
 * Each party's first verifier key, as the line names it. A pin must name a
 * party of the line; it may be the line's key or a key the party's log
 * rotated to later, which the caller checks against the log's chain.
 */
export function lineKeys(c: Crypto, line: Line, pinned: VerifierKey[]): Map<string, VerifierKey> {
  const keys = new Map<string, VerifierKey>();
  for (const party of line.parties) {
    if (keys.has(party.name)) throw new IntegrityError(`the line names ${party.name} twice`);
    let key: VerifierKey;
    try {
      key = parseVerifierKey(c, party.key);
    } catch (e) {
      throw new IntegrityError(`the line's key for ${party.name} is not a verifier key: ${(e as Error).message}`);
    }
    if (key.name !== party.name) throw new IntegrityError(`the line's key for ${party.name} is named ${key.name}`);
    keys.set(party.name, key);
  }
  for (const pin of pinned) {
    if (!keys.has(pin.name)) throw new IntegrityError(`${pin.name}'s key is pinned, but the line does not name ${pin.name}: a party was removed, or this is another line`);
  }
  return keys;
}
