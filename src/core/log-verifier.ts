import type { Crypto } from './crypto.ts';
import { bytesEqual, toHex } from './encoding.ts';
import { verifyEntry, type Entry } from './entry.ts';
import { HotlineError } from './errors.ts';
import { logOrigin } from './line.ts';
import { leafHash } from './merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from './merkle/frontier.ts';
import type { NodeId } from './merkle/node.ts';
import { parseCheckpoint, type Checkpoint } from './note/checkpoint.ts';
import type { VerifierKey } from './note/key.ts';
import { verifyNote } from './note/note.ts';

export interface LogSubject {
  line: string;
  party: string;
  key: VerifierKey;
}

export class IntegrityError extends HotlineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('integrity', message, details);
  }
}

/** Opens a checkpoint note signed by the log's party and checks it names this log. */
export function openCheckpoint(c: Crypto, subject: LogSubject, note: string): Checkpoint {
  let text: string;
  try {
    text = verifyNote(c, note, [subject.key]).text;
  } catch (e) {
    throw new IntegrityError(`checkpoint of ${subject.party}'s log is not signed by ${subject.key.name}: ${(e as Error).message}`);
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

  constructor(
    private readonly c: Crypto,
    private readonly subject: LogSubject,
    private readonly onNode?: (node: NodeId & { hash: Uint8Array }) => void,
  ) {}

  add(bytes: Uint8Array): Entry {
    const seq = this.size;
    let entry: Entry;
    try {
      entry = verifyEntry(this.c, bytes, { line: this.subject.line, party: this.subject.party, seq, publicKey: this.subject.key.publicKey });
    } catch (e) {
      throw new IntegrityError(`entry ${seq} of ${this.subject.party}'s log: ${(e as Error).message}`, { party: this.subject.party, seq });
    }
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
    const cp = openCheckpoint(this.c, this.subject, checkpointNote);
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
