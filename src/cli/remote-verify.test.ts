import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { HotlineError } from '../core/errors.ts';
import { prepareEntry, type EntryFields } from '../core/entry.ts';
import { logOrigin } from '../core/line.ts';
import { leafHash } from '../core/merkle/hash.ts';
import { appendLeaf, frontierRoot, type Frontier } from '../core/merkle/frontier.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from '../core/note/key.ts';
import { signNote } from '../core/note/note.ts';
import { encodeEntryBundle, entriesPath, tilePath } from '../core/tile.ts';
import { nodeCrypto as c, signerFromSeed } from '../node/crypto.ts';
import { SignatureWorkers } from '../node/signature-workers.ts';
import { logPath, type Client } from './client.ts';
import { verifyRemoteLog } from './remote-verify.ts';

// A log of 600 entries (three tiles) served from memory, checked with the
// signatures on worker threads and on the calling thread: both must pass a
// good log and name the same first bad entry of a bad one.

const signer = signerFromSeed(new Uint8Array(32).fill(9));
const key = parseVerifierKey(c, formatVerifierKey(c, 'Oslo', signer.publicKey));
const subject = { line: 'oslo', party: 'Oslo', key };
const workers = new SignatureWorkers(2);
after(() => workers.close());

/** Serves the log's checkpoint and tiles the way a station does. `spoil` changes an entry's bytes before the author signs the checkpoint. */
function servedLog(size: number, spoil: (seq: number, fields: EntryFields, sig: Uint8Array) => { fields: EntryFields; sig: Uint8Array } = (_, fields, sig) => ({ fields, sig })): Client {
  const entries: Uint8Array[] = [];
  let frontier: Frontier = [];
  for (let seq = 0; seq < size; seq++) {
    const fields: EntryFields = { v: 1, line: 'oslo', party: 'Oslo', seq, time: 1000 + seq, kind: 'message', body: { text: `entry ${seq}` }, seen: {} };
    const sig = signer.sign(prepareEntry(fields).signingBytes);
    const spoilt = spoil(seq, fields, sig);
    const bytes = prepareEntry(spoilt.fields).finish(spoilt.sig);
    entries.push(bytes);
    frontier = appendLeaf(c, frontier, seq, leafHash(c, bytes)).frontier;
  }
  const note = signNote(c, formatCheckpoint({ origin: logOrigin('oslo', 'Oslo'), size, root: frontierRoot(c, frontier), extensions: [] }), [{ name: 'Oslo', signer }]);
  const base = logPath('oslo', 'Oslo');
  const files = new Map<string, Uint8Array | string>([[`${base}checkpoint`, note]]);
  for (let n = 0; n * 256 < size; n++) {
    const tile = entries.slice(n * 256, n * 256 + 256);
    files.set(base + entriesPath(n, tile.length), encodeEntryBundle(tile));
    const hashes = new Uint8Array(tile.length * 32);
    tile.forEach((b, i) => hashes.set(leafHash(c, b), i * 32));
    files.set(base + tilePath({ level: 0, index: n, width: tile.length }), hashes);
  }
  const get = (path: string) => {
    const file = files.get(path);
    if (file === undefined) throw new HotlineError('not_found', `no ${path}`);
    return file;
  };
  return {
    text: async (path: string) => get(path) as string,
    bytes: async (path: string) => get(path) as Uint8Array,
  } as unknown as Client;
}

const flipped = (sig: Uint8Array) => {
  const bad = sig.slice();
  bad[0] ^= 1;
  return bad;
};

async function failure(client: Client, threads: boolean): Promise<string> {
  try {
    await verifyRemoteLog(c, client, subject, threads ? { batch: workers } : {});
  } catch (e) {
    return (e as Error).message;
  }
  return 'verified';
}

test('a good log verifies the same on worker threads as on one thread', async () => {
  const client = servedLog(600);
  for (const batch of [workers, undefined]) {
    const log = await verifyRemoteLog(c, client, subject, { batch });
    assert.equal(log?.checkpoint.size, 600);
  }
});

test('a bad signature is reported at its entry, on worker threads as on one thread', async () => {
  const client = servedLog(600, (seq, fields, sig) => ({ fields, sig: seq === 300 ? flipped(sig) : sig }));
  for (const threads of [true, false]) assert.equal(await failure(client, threads), "entry 300 of Oslo's log: entry signature does not verify");
});

test('with threads, the first failure in log order is the one reported', async () => {
  // Entry 10's signature is bad (found by a thread, later); entry 500 is at the wrong position (found at once, in order).
  const client = servedLog(600, (seq, fields, sig) => ({ fields: seq === 500 ? { ...fields, seq: 501 } : fields, sig: seq === 10 ? flipped(sig) : sig }));
  for (const threads of [true, false]) assert.equal(await failure(client, threads), "entry 10 of Oslo's log: entry signature does not verify");
});

test('signature threads answer every check in order, and refuse work once closed', async () => {
  const pool = new SignatureWorkers(1);
  const message = new TextEncoder().encode('hello');
  const sig = signer.sign(message);
  const ok = await pool.verifyAll([
    { publicKey: signer.publicKey, message, signature: sig },
    { publicKey: signer.publicKey, message, signature: flipped(sig) },
    { publicKey: signer.publicKey.slice(1), message, signature: sig },
    { publicKey: signer.publicKey, message: new TextEncoder().encode('hullo'), signature: sig },
  ]);
  assert.deepEqual(ok, [true, false, false, false]);
  await pool.close();
  await assert.rejects(pool.verifyAll([{ publicKey: signer.publicKey, message, signature: sig }]), /closed/);
});
