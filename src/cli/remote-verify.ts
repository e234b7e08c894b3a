import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { lineKeys, reached } from '../core/bundle.ts';
import type { BatchVerifier, Crypto, SignatureCheck } from '../core/crypto.ts';
import { bytesEqual, fromBase64 } from '../core/encoding.ts';
import type { Entry } from '../core/entry.ts';
import { HotlineError } from '../core/errors.ts';
import { checkDefinition, checkEntryAgainstLine, type DefinitionVerdict } from '../core/kinds/line-definition.ts';
import type { Line } from '../core/line.ts';
import { IntegrityError, LogVerifier, openCheckpoint, type LogSubject } from '../core/log-verifier.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { verifyConsistency, verifyInclusion } from '../core/merkle/proof.ts';
import { parseCheckpoint, type Checkpoint } from '../core/note/checkpoint.ts';
import { parseNote } from '../core/note/note.ts';
import type { VerifierKey } from '../core/note/key.ts';
import type { Revocation } from '../core/keys/revocation.ts';
import { decodeEntryBundle, entriesPath, tilePath } from '../core/tile.ts';
import { logPath, type Client } from './client.ts';

const PARALLEL = 8;

// What a station says must have the shape it promises; anything else is a
// station serving garbage, reported as a failed check, never a crash.
const LineShape = TypeCompiler.Compile(Type.Object({
  id: Type.String(),
  title: Type.String(),
  parties: Type.Array(Type.Object({ name: Type.String(), key: Type.String() })),
  discreet: Type.Boolean(),
  createdAt: Type.Integer({ minimum: 0 }),
}));
const ProofShape = TypeCompiler.Compile(Type.Object({ proof: Type.Array(Type.String()) }));
const RevocationsShape = TypeCompiler.Compile(Type.Object({
  revocations: Type.Array(Type.Object({ party: Type.String(), key: Type.String(), compromisedAt: Type.Integer({ minimum: 0 }), replacement: Type.Optional(Type.String()) })),
}));

/**
 * The revocations the station's operators recorded (GET /v1/revocations):
 * like a bundle's, they let a log be followed across a key.revoke and show
 * which entries are disputed. A station too old to serve them has none.
 */
async function servedRevocations(client: Client): Promise<Revocation[]> {
  let reply: unknown;
  try {
    reply = await served('revocations', () => client.json<unknown>('GET', '/v1/revocations'));
  } catch (e) {
    if (e instanceof HotlineError && e.code === 'not_found') return [];
    throw e;
  }
  if (!RevocationsShape.Check(reply)) throw new IntegrityError("the station's list of revocations is malformed");
  return reply.revocations.map(({ party, key, compromisedAt, replacement }) => ({ party, key, compromisedAt, ...(replacement ? { replacement } : {}) }));
}

/** A station's answer that is not what it should be is the station failing the check. */
async function served<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof HotlineError) throw e;
    if (e instanceof SyntaxError) throw new IntegrityError(`the station's ${what} is not JSON`);
    throw new HotlineError('unavailable', `reading the station's ${what} failed: ${(e as Error).message}`);
  }
}

/**
 * The checkpoint the station serves for a log, or null if it serves none
 * (404). With `keys` its signature is checked; without, only its shape (the
 * log's later keys are known once its entries are read, and the caller
 * checks the signature then).
 */
async function servedCheckpoint(c: Crypto, client: Client, subject: LogSubject, keys?: VerifierKey[]): Promise<{ note: string; cp: Checkpoint } | null> {
  let note: string;
  try {
    note = await served(`checkpoint of ${subject.party}'s log`, () => client.text(`${logPath(subject.line, subject.party)}checkpoint`));
  } catch (e) {
    if (e instanceof HotlineError && e.code === 'not_found') return null;
    throw e;
  }
  if (keys) return { note, cp: openCheckpoint(c, subject, note, keys) };
  try {
    return { note, cp: parseCheckpoint(parseNote(note).text) };
  } catch (e) {
    throw new IntegrityError(`the station's checkpoint of ${subject.party}'s log is malformed: ${(e as Error).message}`);
  }
}

export interface RemoteLog {
  checkpoint: Checkpoint;
  note: string;
  /** Entry 0, if the log has one. */
  first?: Entry;
  /** Entries signed by a revoked key at or after its compromise time (full verification only). */
  disputed?: number[];
  /** How many keys signed the log (more than one after a rotation). */
  keys?: number;
}

/**
 * Verifies one log served by a station, reading it the way any tlog-tiles
 * client would: the signed checkpoint, then entry bundles and level-0 hash
 * tiles. Every entry's signature, every leaf hash, and the root are checked,
 * and, given the line, that no entry contradicts its definition. Null if the
 * station serves no checkpoint of the log.
 */
export async function verifyRemoteLog(c: Crypto, client: Client, subject: LogSubject, options: { since?: string; line?: Line; pin?: VerifierKey; batch?: BatchVerifier } = {}): Promise<RemoteLog | null> {
  const base = logPath(subject.line, subject.party);
  const head = await servedCheckpoint(c, client, subject);
  if (!head) return null;
  const { note, cp } = head;
  const signatures = options.batch && new DeferredSignatures(c, options.batch, subject.party);
  const verifier = new LogVerifier(c, subject, undefined, signatures && ((seq, check) => signatures.add(seq, check)));
  let first: Entry | undefined;
  const tiles = Math.ceil(cp.size / 256);
  // Fetch ahead while verifying in order.
  const fetches: Array<Promise<[Uint8Array, Uint8Array]>> = [];
  const fetchTile = async (n: number): Promise<[Uint8Array, Uint8Array]> => {
    const width = Math.min(256, cp.size - n * 256);
    try {
      return await served(`tile ${n} of ${subject.party}'s log`, () => Promise.all([client.bytes(base + entriesPath(n, width)), client.bytes(base + tilePath({ level: 0, index: n, width }))]));
    } catch (e) {
      // The checkpoint promises these tiles; a station that cannot serve them has lost part of its log.
      if (e instanceof HotlineError && e.code === 'not_found') {
        throw new IntegrityError(`tile ${n} of ${subject.party}'s log (entries ${n * 256}..) is missing, though the checkpoint covers ${cp.size} entries`, { party: subject.party, seq: n * 256 });
      }
      throw e;
    }
  };
  // A prefetched tile may fail before its turn; mark it handled so the failure surfaces in order.
  const prefetch = (n: number) => {
    const p = fetchTile(n);
    p.catch(() => undefined);
    fetches.push(p);
  };
  for (let n = 0; n < Math.min(PARALLEL, tiles); n++) prefetch(n);
  for (let n = 0; n < tiles; n++) {
    if (n + PARALLEL < tiles) prefetch(n + PARALLEL);
    const [bundle, hashes] = await fetches[n];
    fetches[n] = undefined as never;
    const width = Math.min(256, cp.size - n * 256);
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(bundle);
    } catch (e) {
      throw new IntegrityError(`tile ${n} of ${subject.party}'s log is not an entry bundle: ${(e as Error).message}`, { party: subject.party, seq: n * 256 });
    }
    if (entries.length !== width) throw new IntegrityError(`tile ${n} of ${subject.party}'s log holds ${entries.length} entries, not ${width}`, { party: subject.party, seq: n * 256 });
    if (hashes.length !== width * 32) throw new IntegrityError(`hash tile ${n} of ${subject.party}'s log holds ${hashes.length} bytes, not ${width * 32}`, { party: subject.party, seq: n * 256 });
    try {
      for (const [i, bytes] of entries.entries()) {
        const seq = n * 256 + i;
        const entry = verifier.add(bytes);
        if (options.line) checkEntryAgainstLine(options.line, entry);
        if (seq === 0) first = entry;
        if (!bytesEqual(hashes.subarray(i * 32, i * 32 + 32), leafHash(c, bytes))) {
          throw new IntegrityError(`entry ${seq} of ${subject.party}'s log: the station's hash tile disagrees with the entry`, { party: subject.party, seq });
        }
      }
    } catch (e) {
      // A bad signature on an earlier entry is the first failure, and is reported as such.
      await signatures?.settle();
      throw e;
    }
    await signatures?.submit(PARALLEL);
  }
  await signatures?.settle();
  verifier.finish(note);
  if (options.pin && !reached(verifier.chain, options.pin)) {
    throw new IntegrityError(`the line's key for ${subject.party} is not the pinned key, and ${subject.party}'s log does not rotate to it`);
  }
  if (options.since) {
    const old = openCheckpoint(c, subject, options.since, verifier.chain.map((k) => k.key));
    if (old.size > cp.size) throw new IntegrityError(`${subject.party}'s log shrank: it was ${old.size} entries, now ${cp.size}`);
    const proof = await consistencyProof(client, base, old.size, cp.size, subject.party);
    const ok = old.size === cp.size ? bytesEqual(old.root, cp.root) : old.size === 0 || verifyConsistency(c, old.size, cp.size, proof, old.root, cp.root);
    if (!ok) throw new IntegrityError(`${subject.party}'s log at size ${cp.size} is not consistent with the checkpoint seen earlier at size ${old.size}: two histories`);
  }
  return { checkpoint: cp, note, first, disputed: verifier.disputed, keys: verifier.chain.length };
}

/**
 * Entry signatures of one log, checked in batches (a tile at a time) by a
 * BatchVerifier while the entries that follow are read. Failures are
 * reported in log order, as checking them one by one would.
 */
class DeferredSignatures {
  private checks: Array<{ seq: number; check: SignatureCheck }> = [];
  private readonly batches: Array<Promise<void>> = [];

  constructor(private readonly c: Crypto, private readonly batch: BatchVerifier, private readonly party: string) {}

  add(seq: number, check: SignatureCheck): void {
    this.checks.push({ seq, check });
  }

  /** Sends the checks gathered so far; waits while more than `ahead` batches are out. */
  async submit(ahead: number): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    if (checks.length > 0) {
      const done = this.batch.verifyAll(checks.map((x) => x.check)).then((ok) => {
        const bad = ok.indexOf(false);
        if (bad >= 0) throw this.failure(checks[bad].seq);
      });
      done.catch(() => undefined);
      this.batches.push(done);
    }
    while (this.batches.length > ahead) await this.batches.shift();
  }

  /** Waits for every batch, in order, then checks what was not sent yet here: throws the first failure. */
  async settle(): Promise<void> {
    while (this.batches.length > 0) await this.batches.shift();
    for (const { seq, check } of this.checks) if (!this.c.verify(check.publicKey, check.message, check.signature)) throw this.failure(seq);
    this.checks = [];
  }

  private failure(seq: number): IntegrityError {
    return new IntegrityError(`entry ${seq} of ${this.party}'s log: entry signature does not verify`, { party: this.party, seq });
  }
}

async function consistencyProof(client: Client, base: string, from: number, to: number, party: string): Promise<Uint8Array[]> {
  if (from === to || from === 0) return [];
  const reply = await served(`consistency proof for ${party}'s log`, () => client.json<unknown>('GET', `${base}proof/consistency?from=${from}&to=${to}`));
  if (!ProofShape.Check(reply)) throw new IntegrityError(`the station's consistency proof for ${party}'s log is malformed`);
  try {
    return reply.proof.map(fromBase64);
  } catch {
    throw new IntegrityError(`the station's consistency proof for ${party}'s log is not base64`);
  }
}

/**
 * Entry 0 of a log, proven: the signed checkpoint, the entry from the first
 * entry tile, and its inclusion proof. Enough to check the line's signed
 * definition when only another party's log is verified in full.
 */
async function provenFirstEntry(c: Crypto, client: Client, subject: LogSubject, pin?: VerifierKey): Promise<RemoteLog | null> {
  let head: { note: string; cp: Checkpoint } | null;
  try {
    head = await servedCheckpoint(c, client, subject, pin ? [subject.key, pin] : [subject.key]);
  } catch (e) {
    // Signed by a later key of the log: only the whole log shows the way from the line's key to it.
    if (e instanceof IntegrityError) return verifyRemoteLog(c, client, subject, { pin });
    throw e;
  }
  if (!head) return null;
  if (head.cp.size === 0) return { checkpoint: head.cp, note: head.note };
  const base = logPath(subject.line, subject.party);
  const tile = await served(`first entry of ${subject.party}'s log`, () => client.bytes(base + entriesPath(0, 1)));
  let bytes: Uint8Array;
  try {
    [bytes] = decodeEntryBundle(tile);
  } catch (e) {
    throw new IntegrityError(`the first entry tile of ${subject.party}'s log is not an entry bundle: ${(e as Error).message}`);
  }
  if (!bytes) throw new IntegrityError(`the first entry tile of ${subject.party}'s log is empty`);
  const entry = new LogVerifier(c, subject).add(bytes);
  const reply = await served(`inclusion proof for ${subject.party}'s entry 0`, () => client.json<unknown>('GET', `${base}proof/inclusion?index=0&size=${head.cp.size}`));
  if (!ProofShape.Check(reply)) throw new IntegrityError(`the station's inclusion proof for ${subject.party}'s entry 0 is malformed`);
  let proof: Uint8Array[];
  try {
    proof = reply.proof.map(fromBase64);
  } catch {
    throw new IntegrityError(`the station's inclusion proof for ${subject.party}'s entry 0 is not base64`);
  }
  if (!verifyInclusion(c, 0, head.cp.size, leafHash(c, bytes), proof, head.cp.root)) {
    throw new IntegrityError(`entry 0 of ${subject.party}'s log is not in the tree its checkpoint signs`, { party: subject.party, seq: 0 });
  }
  return { checkpoint: head.cp, note: head.note, first: entry };
}

export interface RemoteLineVerdict {
  line: Line;
  logs: Array<{ party: string } & RemoteLog>;
  /** Parties of the line of whose log the station serves no signed checkpoint. */
  missing: string[];
  definition: DefinitionVerdict;
  /** Parties whose key came from the station itself rather than a pin. */
  unpinned: string[];
  /** Revocations taken from the station itself (its operators' record), used to follow logs across a key.revoke. */
  revocations: Revocation[];
}

/**
 * Verifies a line as one station serves it: every party's log in full (or
 * only `party`'s, with entry 0 of the others proven), and the station's
 * definition of the line against the one its creator signed.
 */
export async function verifyRemoteLine(c: Crypto, client: Client, lineId: string, options: { party?: string; pinned: VerifierKey[]; since: Map<string, string>; batch?: BatchVerifier }): Promise<RemoteLineVerdict> {
  const view = await served('line definition', () => client.json<unknown>('GET', `/v1/lines/${encodeURIComponent(lineId)}`));
  if (!LineShape.Check(view)) throw new IntegrityError("the station's answer for the line is not a line definition");
  const line: Line = { id: view.id, title: view.title, parties: view.parties.map((p) => ({ name: p.name, key: p.key })), discreet: view.discreet, createdAt: view.createdAt };
  if (line.id !== lineId) throw new IntegrityError(`asked for line ${lineId}, the station answered with line ${line.id}`);
  const keys = lineKeys(c, line, options.pinned);
  if (options.party && !keys.has(options.party)) throw new HotlineError('not_found', `verify: the line has no party ${options.party}`);
  for (const party of options.since.keys()) {
    if (!keys.has(party)) throw new IntegrityError(`a checkpoint of ${party}'s log was seen earlier, but the station's line does not name ${party}: a party was removed`);
  }
  const revocations = (await servedRevocations(client)).filter((r) => keys.has(r.party));
  const logs: RemoteLineVerdict['logs'] = [];
  const missing: string[] = [];
  const firsts: Array<{ party: string; entry?: Entry }> = [];
  for (const { name } of line.parties) {
    const subject = { line: line.id, party: name, key: keys.get(name)!, trust: { revocations, pinned: options.pinned } };
    const full = !options.party || options.party === name;
    const pin = options.pinned.find((k) => k.name === name);
    const verified = full ? await verifyRemoteLog(c, client, subject, { since: options.since.get(name), line, pin, batch: options.batch }) : await provenFirstEntry(c, client, subject, pin);
    if (!verified) {
      missing.push(name);
      continue;
    }
    firsts.push({ party: name, entry: verified.first });
    if (full) logs.push({ party: name, ...verified });
  }
  // With a log missing, "unsigned" may only mean the creator's is the one missing: the line is reported incomplete either way.
  const definition: DefinitionVerdict = checkDefinition(line, firsts);
  return { line, logs, missing, definition, unpinned: line.parties.map((p) => p.name).filter((n) => !options.pinned.some((k) => k.name === n)), revocations };
}
