import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { utf8Encode } from '../src/core/encoding.ts';
import { leafHash, rootFromLeafHashes } from '../src/core/merkle/hash.ts';
import { consistencyProof } from '../src/core/merkle/proof.ts';
import { ReferenceTree } from '../src/core/merkle/reference-tree.ts';
import { formatCheckpoint } from '../src/core/note/checkpoint.ts';
import { verifyCosignature } from '../src/core/note/cosignature.ts';
import { formatVerifierKey, parseVerifierKey } from '../src/core/note/key.ts';
import { signNote, verifyNote } from '../src/core/note/note.ts';
import { nodeCrypto as c, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { addCheckpoint } from '../src/station/witness-client.ts';
import { BIN, ROOT } from './support/station.ts';

// A real `hotline witness` process, driven by the station's witness client.
// Until `witness` is registered in src/cli/commands/index.ts this runs the
// command module through a one-line runner; afterwards, through bin/hotline.mjs.
let registered = false;
try {
  registered = 'witness' in (await import('../src/cli/commands/index.ts')).commands;
} catch {
  registered = false;
}
const RUNNER = `
const { witness } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/commands/witness.ts')).href)});
try { process.exitCode = (await witness(process.argv.slice(1))) ?? 0; }
catch (e) { console.error('hotline witness: ' + e.message); process.exitCode = e.exitCode ?? 1; }`;
const command = (args: string[]) =>
  registered ? [BIN, 'witness', ...args] : ['--import', 'tsx', '--input-type=module', '-e', RUNNER, '--', ...args];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, command(args), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

interface Running {
  url: string;
  stop(): Promise<number | null>;
}

function start(dir: string): Promise<Running> {
  const proc = spawn(process.execPath, command(['serve', '--dir', dir, '--listen', '127.0.0.1:0', '--log-level', 'warn']), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  running.add(proc);
  exited.then(() => running.delete(proc));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (proc.kill('SIGKILL'), reject(new Error(`witness did not start:\n${out}`))), 15_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => (proc.kill('SIGTERM'), exited) });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then((code) => (clearTimeout(timer), reject(new Error(`witness exited with ${code}:\n${out}`))));
  });
}

const work = mkdtempSync(join(tmpdir(), 'hotline-witness-'));
const running = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const dir = join(work, 'w');
const ORIGIN = 'hotline/line/deconfliction/Washington';
const logSigner = signerFromSeed(newSeed());
const logVkey = formatVerifierKey(c, 'Washington', logSigner.publicKey);
const leaves = Array.from({ length: 20 }, (_, i) => leafHash(c, utf8Encode(`entry ${i}`)));
const text = (n: number) => formatCheckpoint({ origin: ORIGIN, size: n, root: rootFromLeafHashes(c, leaves.slice(0, n)), extensions: [] });
const note = (n: number) => signNote(c, text(n), [{ name: 'Washington', signer: logSigner }]);
const proof = (m: number, n: number) => consistencyProof(c, m, n, new ReferenceTree(c, leaves.slice(0, n)).node);
let witnessVkey = '';

test('init, pin a log, list', async () => {
  const init = await run(['init', '--name', 'witness.example.org/w1', '--dir', dir, '--listen', '127.0.0.1:0']);
  assert.equal(init.code, 0, init.stderr);
  witnessVkey = /^\s+(witness\.example\.org\/w1\+[0-9a-f]{8}\+\S+)$/m.exec(init.stdout)?.[1] ?? '';
  assert.equal(parseVerifierKey(c, witnessVkey).alg, 0x04, init.stdout);
  assert.match(init.stdout, /\d{5} \d{5} \d{5} \d{5} \d{5} \d{5}/);
  assert.equal(statSync(join(dir, 'witness.key')).mode & 0o777, 0o600);
  assert.ok(!init.stdout.includes('PRIVATE'), 'the private key is never printed');
  assert.equal(JSON.parse(readFileSync(join(dir, 'witness.json'), 'utf8')).listen, '127.0.0.1:0');
  const [again, add] = await Promise.all([
    run(['init', '--name', 'witness.example.org/w1', '--dir', dir]),
    run(['log', 'add', '--dir', dir, '--origin', ORIGIN, '--key', logVkey]),
  ]);
  assert.equal(again.code, 5, 'init refuses to overwrite');
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /^pinned: hotline\/line\/deconfliction\/Washington/);
  const [asCosigner, noKey, nowhere, list] = await Promise.all([
    run(['log', 'add', '--dir', dir, '--origin', ORIGIN, '--key', witnessVkey]),
    run(['log', 'add', '--dir', dir, '--origin', ORIGIN]),
    run(['log', 'list', '--dir', join(work, 'nowhere')]),
    run(['log', 'list', '--dir', dir, '--json']),
  ]);
  assert.equal(asCosigner.code, 2);
  assert.match(asCosigner.stderr, /not a cosigner key/);
  assert.equal(noKey.code, 2, '--key is required');
  assert.equal(nowhere.code, 4);
  assert.deepEqual(JSON.parse(list.stdout), [{ origin: ORIGIN, size: 0, cosignedAt: null, keys: [logVkey], evidence: 0 }]);
});

test('serve: cosigns, refuses stale sizes, and remembers across a restart', async () => {
  assert.ok(witnessVkey, 'needs the previous test');
  const witnessKey = parseVerifierKey(c, witnessVkey);
  let w = await start(dir);

  const first = await addCheckpoint(w.url, { oldSize: 0, proof: [], checkpoint: note(5) });
  assert.ok(first.ok, JSON.stringify(first));
  const cosig = verifyCosignature(c, witnessKey, text(5), first.cosignatures[0]);
  assert.ok(cosig && Math.abs(cosig.timestamp - Date.now() / 1000) < 60, 'timestamped now, in seconds');
  assert.equal(verifyNote(c, note(5) + first.cosignatures.join(''), [witnessKey]).cosignatures.length, 1);

  const grown = await addCheckpoint(w.url, { oldSize: 5, proof: proof(5, 12), checkpoint: note(12) });
  assert.ok(grown.ok, JSON.stringify(grown));
  assert.deepEqual(await (await fetch(`${w.url}/healthz`)).json(), { status: 'ok' });
  const unknown = signNote(c, formatCheckpoint({ origin: 'hotline/line/x/Washington', size: 1, root: leaves[0], extensions: [] }), [{ name: 'Washington', signer: logSigner }]);
  assert.equal((await addCheckpoint(w.url, { oldSize: 0, proof: [], checkpoint: unknown }) as { status: number }).status, 404);
  assert.equal(await w.stop(), 0, 'SIGTERM stops it cleanly');

  w = await start(dir);
  assert.deepEqual(await addCheckpoint(w.url, { oldSize: 5, proof: proof(5, 15), checkpoint: note(15) }), {
    ok: false, status: 409, knownSize: 12, message: 'the witness has cosigned size 12',
  });
  const resumed = await addCheckpoint(w.url, { oldSize: 12, proof: proof(12, 15), checkpoint: note(15) });
  assert.ok(resumed.ok && verifyCosignature(c, witnessKey, text(15), resumed.cosignatures[0]));
  assert.equal(await w.stop(), 0);

  const list = JSON.parse((await run(['log', 'list', '--dir', dir, '--json'])).stdout);
  assert.equal(list[0].size, 15);

  // A witness that lost its database must not start afresh and cosign a second history.
  renameSync(join(dir, 'witness.db'), join(dir, 'witness.db.lost'));
  const lost = await run(['serve', '--dir', dir, '--listen', '127.0.0.1:0']);
  assert.equal(lost.code, 10);
  assert.match(lost.stderr, /database .* is missing/);
});
