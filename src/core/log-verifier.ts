import type { Crypto, SignatureCheck } from './crypto.ts';
import { bytesEqual, toHex } from './encoding.ts';
import { openEntry, verifyEntry, type Entry } from './entry.ts';
import { HotlineError } from './errors.ts';
import { logOrigin } from './line.ts';
import { leafHash } from './merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from './merkle/frontier.ts';
import type { NodeId } from './merkle/node.ts';
import { parseCheckpoint, type Checkpoint } from './note/checkpoint.ts';
import type { VerifierKey } from './note/key.ts';
import { verifyNote } from './note/note.ts';
import { LogKeys, type KeySpan, type KeyTrust } from './keys/log-keys.ts';

export interface LogSubject {
  line: string;
  party: string;
  /** The key the line names for the party: the log's first key. */
  key: VerifierKey;
  /** Revocations and confirmed keys, for a log whose key was revoked. */
  trust?: KeyTrust;
}

export class IntegrityError extends HotlineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('integrity', message, details);
  }
}

/**
 * Opens a checkpoint note signed by the log's party and checks it names this
 * log. `keys` are the keys it may be signed by (the key at its size, or any
 * key of the log's chain when the size's key is not known yet).
 */
export function openCheckpoint(c: Crypto, subject: LogSubject, note: string, keys: readonly VerifierKey[] = [subject.key]): Checkpoint {
  let text: string;
  try {
    text = verifyNote(c, note, [...keys]).text;
  } catch (e) {
    throw new IntegrityError(`checkpoint of ${subject.party}'s log is not signed by ${subject.key.name}'s key: ${(e as Error).message}`);
  }
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    throw new IntegrityError(`checkpoint of ${subject.party}'s log is signed but malformed: ${(e as Error).message}`);
  }
  const origin = logOrigin(subject.line, subject.party);
  if (cp.origin !== origin) throw new IntegrityError(`checkpoint origin is ${cp.origin}, expected ${origin}`);
  return cp;
}

/**
 * Checks a log entry by entry, streaming: each entry's signature and position,
 * and the tree grown from them. `onNode` sees every completed tree node so a
 * caller can compare stored hashes. The first failure throws, naming the entry.
 */
export class LogVerifier {
  private frontier: Frontier = [];
  size = 0;
  /** The log's keys: which signs which entry, followed through rotations and revocations. */
  readonly keys: LogKeys;
  /** Entries signed by a revoked key at or after its compromise time. */
  readonly disputed: number[] = [];

  constructor(
    private readonly c: Crypto,
    private readonly subject: LogSubject,
    private readonly onNode?: (node: NodeId & { hash: Uint8Array }) => void,
    /**
     * Takes each entry's signature check instead of making it here (a whole
     * log is checked on other threads). The caller must fail the log if any
     * of them fails; everything else about the entry is checked here as usual.
     */
    private readonly deferSignature?: (seq: number, check: SignatureCheck) => void,
  ) {
    this.keys = new LogKeys(c, subject.party, subject.key, subject.trust);
  }

  /** Every key of the log so far, oldest first. */
  get chain(): readonly KeySpan[] {
    return this.keys.chain;
  }

  add(bytes: Uint8Array): Entry {
    const seq = this.size;
    let entry: Entry;
    let signer: VerifierKey = this.keys.current;
    try {
      const expect = { line: this.subject.line, party: this.subject.party, seq, publicKey: (e: Entry) => (signer = this.keys.signerOf(e)).publicKey };
      if (this.deferSignature) {
        const opened = openEntry(bytes, expect);
        this.deferSignature(seq, opened);
        entry = opened.entry;
      } else entry = verifyEntry(this.c, bytes, expect);
      this.keys.advance(entry);
    } catch (e) {
      if (e instanceof HotlineError && e.code === 'integrity' && e.details) throw new IntegrityError(e.message, e.details);
      throw new IntegrityError(`entry ${seq} of ${this.subject.party}'s log: ${(e as Error).message}`, { party: this.subject.party, seq });
    }
    if (this.keys.disputed(entry, signer)) this.disputed.push(seq);
    const grown = appendLeaf(this.c, this.frontier, seq, leafHash(this.c, bytes));
    this.frontier = grown.frontier;
    if (this.onNode) for (const n of grown.nodes) this.onNode(n);
    this.size++;
    return entry;
  }

  root(): Uint8Array {
    return frontierRoot(this.c, this.frontier);
  }

  /** Checks the grown tree against a signed checkpoint of the same size. */
  finish(checkpointNote: string): Checkpoint {
    const cp = openCheckpoint(this.c, this.subject, checkpointNote, [this.keys.checkpointKey]);
    if (cp.size !== this.size) {
      throw new IntegrityError(`checkpoint of ${this.subject.party}'s log has size ${cp.size} but ${this.size} entries were checked`);
    }
    const root = this.root();
    if (!bytesEqual(root, cp.root)) {
      throw new IntegrityError(`root of ${this.subject.party}'s log is ${toHex(root)} but its signed checkpoint says ${toHex(cp.root)}`);
    }
    return cp;
  }
}
