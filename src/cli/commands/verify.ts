import { readFileSync, writeFileSync } from 'node:fs';
import { parseBundle, verifyBundle } from '../../core/bundle.ts';
import { toBase64 } from '../../core/encoding.ts';
import { HotlineError } from '../../core/errors.ts';
import type { DefinitionVerdict } from '../../core/kinds/line-definition.ts';
import { parseLogOrigin } from '../../core/line.ts';
import { parseCheckpoint } from '../../core/note/checkpoint.ts';
import { ALG_MLDSA44_COSIGNATURE, formatKeyHash, parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { checkMlDsaLines } from '../../core/note/mldsa-lines.ts';
import { parseNote } from '../../core/note/note.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { verifyRemoteLine } from '../remote-verify.ts';
import { SignatureWorkers } from '../../node/signature-workers.ts';

/**
 * Nothing wrong was found, but not everything could be checked: the line's
 * definition is not signed (a line created before definitions were), or the
 * station serves no signed checkpoint of some party's log. Distinct from 0,
 * so a script cannot mistake it for a full verification, and from 10, since
 * nothing was shown to be false.
 */
export const INCOMPLETE_EXIT = 11;
/**
 * Everything verified, but some entries were signed by a revoked key at or
 * after its compromise time: they are part of the record, and may be a
 * thief's. A script must not take them for a clean record.
 */
export const DISPUTED_EXIT = 12;

const HELP = `hotline verify --bundle FILE [--key VKEY ...] [--pq] [--since CHECKPOINT ...]
hotline verify --line LINE [--party PARTY] [--url URL --token TOKEN] [--key VKEY ...] [--pq] [--since CHECKPOINT ...] [--save DIR] [--threads N]

Checks a line's record end to end: every entry's signature and position,
every leaf, the Merkle root against the signed checkpoint, that there is a
log for every party of the line, that the line's definition (title, parties
and their keys, discreet flag) is the one its creator signed in the first
entry of its log, and (with --since, a file holding a checkpoint seen
earlier) consistency with that earlier state. With --party, only that
party's log is checked in full; the definition is still checked.
--key pins a party's verifier key; without it the keys come from the
line definition itself, which a station could forge. A pinned key must
belong to a party of the line. A --key that is an ML-DSA-44 key (type
0x06, GET /v1/station pqKey) checks that party's post-quantum line on its
checkpoint; a bundle carries the exporting station's ML-DSA keys too.
--pq requires a verified ML-DSA-44 line on every party's checkpoint: what
still holds once Ed25519 does not. --save DIR writes each verified checkpoint
to DIR/<party>.checkpoint for the next --since. --threads N checks entry
signatures of a line on N threads beside the one reading it (default: one
per core; 0 checks them on that one thread).

Exit status:
  0   everything verified, and the definition is signed
  2   bad input: unreadable file, not a bundle, not a checkpoint, bad key
  10  integrity failure, naming the first bad log, entry or field
  11  incomplete: nothing failed, but the definition is unsigned (an older
      line) or the station serves no checkpoint of some party's log
  12  disputed: everything verified, but some entries were signed by a
      revoked key at or after its compromise time (listed)

A log whose key was rotated verifies across the rotation: each key.rotate
entry is signed by the old key and names the new one, which countersigned
it. A pinned key may be any key of the party's chain. A key.revoke entry is
followed only to a replacement that is pinned (--key) or that the exporting
station's operators confirmed (the bundle's revocations).
  3, 4, 6  the station refused (authentication, no such line) or is unreachable`;

export async function verify(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof HotlineError) throw e;
    // Whatever the input, the answer is a reason, never a stack trace.
    throw new HotlineError('internal', `verify: ${(e as Error).message ?? String(e)}`);
  }
}

async function run(argv: string[]): Promise<number> {
  const { values } = parse('verify', argv, {
    ...connectionOptions, bundle: { type: 'string' }, line: { type: 'string' }, party: { type: 'string' }, key: { type: 'string', multiple: true }, since: { type: 'string', multiple: true }, save: { type: 'string' }, pq: { type: 'boolean' }, threads: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.bundle && values.line) throw new HotlineError('bad_request', 'verify: give --bundle FILE or --line LINE, not both');
  const c = nodeCrypto;
  const keys: VerifierKey[] = (values.key ?? []).map((k) => {
    try {
      return parseVerifierKey(c, k);
    } catch (e) {
      throw new HotlineError('bad_request', `verify: --key ${k}: ${(e as Error).message}`);
    }
  });
  const pinned = keys.filter((k) => k.alg !== ALG_MLDSA44_COSIGNATURE);
  const pqKeys = keys.filter((k) => k.alg === ALG_MLDSA44_COSIGNATURE);
  if (new Set(pinned.map((k) => k.name)).size !== pinned.length) throw new HotlineError('bad_request', 'verify: two --key values name the same party');
  if (new Set(pqKeys.map((k) => k.name)).size !== pqKeys.length) throw new HotlineError('bad_request', 'verify: two ML-DSA --key values name the same party');
  const since = readSince(values.since ?? []);
  const bundlePq = new Set<VerifierKey>();
  const results: Array<{ party: string; size: number; root: Uint8Array; note: string; keys: number; disputed: number[] }> = [];
  let definition: DefinitionVerdict;
  let missing: string[] = [];
  if (values.bundle) {
    const bundle = parseBundle(readJson(values.bundle));
    checkSinceLine(since, bundle.line.id);
    for (const p of bundle.line.parties) {
      if (!pinned.some((k) => k.name === p.name)) console.error(`warning: ${p.name}'s key is taken from the bundle itself; pin it with --key`);
    }
    for (const text of bundle.pqKeys ?? []) {
      let k: VerifierKey;
      try {
        k = parseVerifierKey(c, text);
      } catch (e) {
        throw new HotlineError('integrity', `verify: the bundle's ML-DSA key ${text.slice(0, 40)}…: ${(e as Error).message}`);
      }
      if (k.alg !== ALG_MLDSA44_COSIGNATURE || !bundle.line.parties.some((p) => p.name === k.name)) throw new HotlineError('integrity', `verify: the bundle's ML-DSA key for ${k.name} is not an ML-DSA-44 key of a party of the line`);
      if (pqKeys.some((p) => p.name === k.name)) continue;
      console.error(`warning: ${k.name}'s ML-DSA key is taken from the bundle itself; pin it with --key`);
      pqKeys.push(k);
      bundlePq.add(k);
    }
    const verdict = verifyBundle(c, bundle, { pinned, since: new Map([...since].map(([party, s]) => [party, s.note])) });
    for (const v of verdict.logs) results.push({ party: v.party, size: v.size, root: v.checkpoint.root, note: bundle.logs.find((l) => l.party === v.party)!.checkpoint, keys: v.keys.length, disputed: v.disputed });
    definition = verdict.definition;
  } else {
    if (!values.line) throw new HotlineError('bad_request', 'verify: give --bundle FILE or --line LINE');
    checkSinceLine(since, values.line);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= 64)) throw new HotlineError('bad_request', `verify: --threads ${values.threads}: give a whole number from 0 to 64`);
    const batch = threads === 0 ? undefined : new SignatureWorkers(threads);
    let verdict: Awaited<ReturnType<typeof verifyRemoteLine>>;
    try {
      verdict = await verifyRemoteLine(c, connect(values), values.line, { party: values.party, pinned, since: new Map([...since].map(([party, s]) => [party, s.note])), batch });
    } finally {
      await batch?.close();
    }
    for (const name of verdict.unpinned) console.error(`warning: ${name}'s key is taken from the station itself; pin it with --key`);
    for (const r of verdict.revocations) console.error(`warning: the revocation of ${r.party}'s key ${r.replacement ? 'and its replacement are' : 'is'} taken from the station itself; pin the replacement with --key`);
    for (const v of verdict.logs) results.push({ party: v.party, size: v.checkpoint.size, root: v.checkpoint.root, note: v.note, keys: v.keys ?? 1, disputed: v.disputed ?? [] });
    definition = verdict.definition;
    missing = verdict.missing;
  }
  const pqUnchecked: string[] = [];
  for (const r of results) {
    console.log(`ok  ${r.party}: ${r.size} entries verified; root ${toBase64(r.root)}${r.keys > 1 ? `; signed by ${r.keys} keys in turn` : ''}`);
    checkPostQuantum(r, pqKeys, pqUnchecked, bundlePq);
    if (r.disputed.length) console.log(`!!  ${r.party}: ${r.disputed.length} entries disputed, signed by a revoked key at or after its compromise: ${listed(r.disputed)}`);
    if (values.save) {
      try {
        writeFileSync(`${values.save}/${r.party}.checkpoint`, r.note);
      } catch (e) {
        throw new HotlineError('bad_request', `verify: cannot save ${r.party}'s checkpoint in ${values.save}: ${(e as Error).message}`);
      }
    }
  }
  for (const name of missing) console.log(`--  ${name}: the station serves no signed checkpoint of this log (its party may not have joined yet)`);
  if (definition.signed) console.log(`ok  definition: title, parties, keys and discreet flag as ${definition.creator} signed them`);
  else console.log('--  definition: not signed (a line created before definitions were signed); its title, parties and discreet flag are unverified');
  if (missing.length) console.error(`hotline verify: incomplete: no signed checkpoint of ${missing.join(', ')}'s log`);
  if (!definition.signed) console.error("hotline verify: incomplete: the line's definition is not covered by a signature");
  if (values.pq && pqUnchecked.length) console.error(`hotline verify: incomplete: --pq, but no ML-DSA-44 line was checked for ${pqUnchecked.join(', ')}`);
  if (missing.length || !definition.signed || (values.pq && pqUnchecked.length)) return INCOMPLETE_EXIT;
  return results.some((r) => r.disputed.length) ? DISPUTED_EXIT : 0;
}

/** Checks the ML-DSA-44 lines of a log's checkpoint by the keys known for its party, and says what was checked. */
function checkPostQuantum(r: { party: string; note: string }, pqKeys: VerifierKey[], unchecked: string[], fromBundle: Set<VerifierKey>): void {
  let lines;
  try {
    lines = checkMlDsaLines(nodeCrypto, r.note, pqKeys.filter((k) => k.name === r.party));
  } catch (e) {
    throw new HotlineError('integrity', `verify: ${r.party}'s checkpoint: ${(e as Error).message}`);
  }
  for (const { key } of lines.checked) console.log(`ok  ${r.party}: ML-DSA-44 line by ${key.name}+${formatKeyHash(key.hash)} verified`);
  for (const k of lines.missing) {
    // A pinned key promises a line; the bundle's own key may be newer than the checkpoint.
    if (!fromBundle.has(k)) throw new HotlineError('integrity', `verify: ${r.party}'s checkpoint has no ML-DSA-44 line by the pinned ML-DSA key ${k.name}+${formatKeyHash(k.hash)}`);
    console.log(`--  ${r.party}: the checkpoint carries no ML-DSA-44 line by ${k.name}+${formatKeyHash(k.hash)}`);
  }
  for (const u of lines.unchecked) console.log(`--  ${r.party}: ML-DSA-44 line by ${u.name}+${formatKeyHash(u.hash)} not checked (give its ML-DSA key with --key)`);
  if (lines.checked.length === 0) unchecked.push(r.party);
}

/** Entry numbers, runs shortened: 3, 5-9, 12. */
function listed(seqs: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j] + 1) j++;
    runs.push(i === j ? String(seqs[i]) : `${seqs[i]}-${seqs[j]}`);
    i = j;
  }
  return runs.join(', ');
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new HotlineError('bad_request', `verify: cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readJson(file: string): unknown {
  const text = readText(file, 'bundle');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HotlineError('bad_request', `verify: bundle ${file} is not JSON: ${(e as Error).message}`);
  }
}

/** Each --since file, which must hold one Hotline log checkpoint, keyed by party. */
function readSince(files: string[]): Map<string, { note: string; line: string; file: string }> {
  const since = new Map<string, { note: string; line: string; file: string }>();
  for (const file of files) {
    const note = readText(file, 'checkpoint');
    let origin: string;
    try {
      origin = parseCheckpoint(parseNote(note).text).origin;
    } catch (e) {
      throw new HotlineError('bad_request', `verify: --since ${file} is not a signed checkpoint: ${(e as Error).message}`);
    }
    const log = parseLogOrigin(origin);
    if (!log) throw new HotlineError('bad_request', `verify: --since ${file} is a checkpoint of ${origin}, not of a Hotline line's log`);
    if (since.has(log.party)) throw new HotlineError('bad_request', `verify: two --since checkpoints are for ${log.party}'s log`);
    since.set(log.party, { note, line: log.line, file });
  }
  return since;
}

function checkSinceLine(since: Map<string, { line: string; file: string }>, line: string): void {
  for (const s of since.values()) {
    if (s.line !== line) throw new HotlineError('bad_request', `verify: --since ${s.file} is a checkpoint of line ${s.line}, not ${line}`);
  }
}
