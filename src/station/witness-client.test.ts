import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { utf8Encode } from '../core/encoding.ts';
import { leafHash, rootFromLeafHashes } from '../core/merkle/hash.ts';
import { consistencyProof } from '../core/merkle/proof.ts';
import { ReferenceTree } from '../core/merkle/reference-tree.ts';
import { NoteError } from '../core/note/errors.ts';
import { formatCheckpoint } from '../core/note/checkpoint.ts';
import { formatCosignerKey, verifyCosignature } from '../core/note/cosignature.ts';
import { formatVerifierKey, parseVerifierKey } from '../core/note/key.ts';
import { signNote } from '../core/note/note.ts';
import { nodeCrypto as c, newSeed, signerFromSeed } from '../node/crypto.ts';
import { buildWitnessApp } from '../witness/app.ts';
import { pinLog } from '../witness/pin-log.ts';
import { SqliteWitnessStore } from '../witness/sqlite-store.ts';
import { addCheckpoint } from './witness-client.ts';

const ORIGIN = 'hotline/line/test/Kyiv';
const logSigner = signerFromSeed(newSeed());
const witnessSigner = signerFromSeed(newSeed());
const WITNESS = 'witness.example/w1';
const witnessKey = parseVerifierKey(c, formatCosignerKey(c, WITNESS, witnessSigner.publicKey));
const leaves = Array.from({ length: 10 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
const text = (n: number) => formatCheckpoint({ origin: ORIGIN, size: n, root: rootFromLeafHashes(c, leaves.slice(0, n)), extensions: [] });
const note = (n: number) => signNote(c, text(n), [{ name: 'Kyiv', signer: logSigner }]);
const proof = (m: number, n: number) => consistencyProof(c, m, n, new ReferenceTree(c, leaves.slice(0, n)).node);

const closers: Array<() => Promise<unknown>> = [];
after(() => Promise.all(closers.map((f) => f())));

async function witnessUrl(): Promise<string> {
  const store = new SqliteWitnessStore(':memory:');
  pinLog(store, ORIGIN, formatVerifierKey(c, 'Kyiv', logSigner.publicKey), 0);
  const app = await buildWitnessApp({ crypto: c, name: WITNESS, signer: witnessSigner, clock: () => 1_000_000, store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(async () => (await app.close(), store.close()));
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
}

async function fakeWitness(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('talks to the witness service: cosignatures, 409 with the known size, 422, 404', async () => {
  const url = await witnessUrl();
  const first = await addCheckpoint(url, { oldSize: 0, proof: [], checkpoint: note(3) });
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(first.cosignatures.length, 1);
  assert.ok(first.cosignatures[0].endsWith('\n'));
  assert.deepEqual(verifyCosignature(c, witnessKey, text(3), first.cosignatures[0]), { timestamp: 1000 });

  assert.deepEqual(await addCheckpoint(url, { oldSize: 0, proof: [], checkpoint: note(7) }), {
    ok: false, status: 409, knownSize: 3, message: 'the witness has cosigned size 3',
  });
  const bad = await addCheckpoint(url, { oldSize: 3, proof: proof(3, 6), checkpoint: note(7) });
  assert.equal(bad.ok ? 200 : bad.status, 422);
  assert.match((bad as { message: string }).message, /does not verify/);
  assert.ok((await addCheckpoint(url, { oldSize: 3, proof: proof(3, 7), checkpoint: note(7) })).ok);

  const unknown = signNote(c, formatCheckpoint({ origin: 'nope', size: 1, root: leaves[0], extensions: [] }), [{ name: 'Kyiv', signer: logSigner }]);
  assert.deepEqual(await addCheckpoint(url, { oldSize: 0, proof: [], checkpoint: unknown }), { ok: false, status: 404, message: 'unknown log' });
});

test('the service answers raw requests as the spec says', async () => {
  const url = await witnessUrl();
  const post = (body: string, headers: Record<string, string> = {}) => fetch(`${url}add-checkpoint`, { method: 'POST', body, headers });
  const ok = await post(`old 0\n\n${note(2)}`);
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /^— witness\.example\/w1 \S+\n$/);
  const stale = await post(`old 0\n\n${note(2)}`, { 'content-type': 'application/octet-stream' });
  assert.equal(stale.status, 409);
  assert.equal(stale.headers.get('content-type'), 'text/x.tlog.size');
  assert.equal(await stale.text(), '2\n');
  assert.equal((await post('garbage')).status, 400);
  assert.equal((await fetch(`${url}add-checkpoint`, { method: 'POST', body: new Uint8Array([0x6f, 0xff, 0x0a, 0x0a]) })).status, 400);
  assert.equal((await fetch(`${url}add-checkpoint`)).status, 404);
  assert.deepEqual(await (await fetch(`${url}healthz`)).json(), { status: 'ok' });
});

test('reports what a misbehaving or absent witness did, without throwing', async () => {
  const req = { oldSize: 0, proof: [], checkpoint: note(1) };
  const garbage = await fakeWitness((_req, res) => res.end('not a signature\n'));
  assert.deepEqual(await addCheckpoint(garbage, req), { ok: false, status: 200, message: 'the witness answered 200 without well-formed signature lines' });

  const untyped = await fakeWitness((_req, res) => ((res.statusCode = 409), res.end('5\n')));
  assert.deepEqual(await addCheckpoint(untyped, req), { ok: false, status: 409, message: '5' });

  const down = await fakeWitness((_req, res) => ((res.statusCode = 503), res.end('maintenance\n')));
  assert.deepEqual(await addCheckpoint(down, req), { ok: false, status: 503, message: 'maintenance' });

  const silent = await fakeWitness(() => {});
  const slow = await addCheckpoint(silent, req, { timeoutMs: 100 });
  assert.deepEqual(slow, { ok: false, status: 0, message: 'the witness did not answer within 100 ms' });

  const closed = await fakeWitness(() => {});
  const port = new URL(closed).port;
  await closers.pop()!();
  const unreachable = await addCheckpoint(`http://127.0.0.1:${port}`, req, { timeoutMs: 2000 });
  assert.equal(unreachable.ok ? 200 : unreachable.status, 0);
  assert.match((unreachable as { message: string }).message, /^cannot reach the witness/);

  await assert.rejects(addCheckpoint(garbage, { ...req, oldSize: -1 }), NoteError);
});
