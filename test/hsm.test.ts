import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCosignature, verifyCosignature } from '../src/core/note/cosignature.ts';
import { formatVerifierKey, parseVerifierKey } from '../src/core/note/key.ts';
import { verifyNote } from '../src/core/note/note.ts';
import { nodeCrypto } from '../src/node/crypto.ts';
import type { WitnessConfig } from '../src/witness/config.ts';
import { makeWitnessIdentity, openWitnessIdentity } from '../src/witness/identity.ts';
import { softHsm, type SoftHsm } from './support/softhsm.ts';
import { api, cli, fetchStation, PASSWORD, startStation, type StationProcess } from './support/station.ts';

// The station's signing key in a PKCS#11 token (SoftHSM2 here, an HSM in
// production): made there by hotline init, used there by hotline serve, and
// never on disk or in the station's memory.

const PIN = '246810';
const PIN_ENV = 'HOTLINE_TEST_PKCS11_PIN';
let hsm: SoftHsm;
let work: string;
let station: StationProcess | undefined;

before(() => {
  hsm = softHsm();
  hsm.initToken('hotline-station', PIN);
  work = mkdtempSync(join(tmpdir(), 'hotline-hsm-'));
  // Stations and CLI processes started here inherit these; so does this process's own use of the token (the witness test).
  process.env.SOFTHSM2_CONF = hsm.env.SOFTHSM2_CONF;
  process.env[PIN_ENV] = PIN;
});
after(async () => {
  await station?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  hsm?.cleanup();
});

/** What a separate process with the PIN sees of the key labelled `label` (pkcs11js directly, no Hotline code). */
function fromOutside(label: string): { point: string; value: string; extractable: boolean; sensitive: boolean } {
  const script = `
    const P = require('pkcs11js'); const p = new P.PKCS11(); p.load(${JSON.stringify(hsm.module)}); p.C_Initialize();
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === 'hotline-station');
    const s = p.C_OpenSession(slot, P.CKF_SERIAL_SESSION); p.C_Login(s, P.CKU_USER, ${JSON.stringify(PIN)});
    const one = (cls) => { p.C_FindObjectsInit(s, [{ type: P.CKA_CLASS, value: cls }, { type: P.CKA_LABEL, value: ${JSON.stringify(label)} }]); const found = p.C_FindObjects(s, 2); p.C_FindObjectsFinal(s); if (found.length !== 1) throw new Error(found.length + ' objects'); return found[0]; };
    const k = one(P.CKO_PRIVATE_KEY);
    let value; try { p.C_GetAttributeValue(s, k, [{ type: P.CKA_VALUE }]); value = 'read'; } catch (e) { value = e.message.split(':')[0]; }
    const [x, se] = p.C_GetAttributeValue(s, k, [{ type: P.CKA_EXTRACTABLE }, { type: P.CKA_SENSITIVE }]).map((a) => a.value[0] === 1);
    const [pt] = p.C_GetAttributeValue(s, one(P.CKO_PUBLIC_KEY), [{ type: P.CKA_EC_POINT }]);
    p.C_Finalize();
    console.log(JSON.stringify({ point: pt.value.toString('hex'), value, extractable: x, sensitive: se }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...hsm.env }, encoding: 'utf8' }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

test('signing through SoftHSM2 with the key never on disk: init, serve, appends, hotline verify', async () => {
  const dir = join(work, 'paris');
  const init = await cli(['init', '--name', 'Paris', '--dir', dir, '--listen', '127.0.0.1:0', '--pkcs11-module', hsm.module, '--pkcs11-token', 'hotline-station', '--pkcs11-key', 'hotline-Paris', '--pkcs11-pin-env', PIN_ENV]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /Signing key: in PKCS#11 token hotline-station, labelled hotline-Paris/);
  const vkey = /^\s+(Paris\+[0-9a-f]{8}\+\S+)$/m.exec(init.stdout)?.[1];
  assert.ok(vkey, init.stdout);

  // The key is the token's, and it cannot come out of it.
  const outside = fromOutside('hotline-Paris');
  assert.equal(outside.value, 'CKR_ATTRIBUTE_SENSITIVE');
  assert.equal(outside.extractable, false);
  assert.equal(outside.sensitive, true);
  const tokenKey = new Uint8Array(Buffer.from(outside.point, 'hex').subarray(2));
  assert.equal(vkey, formatVerifierKey(nodeCrypto, 'Paris', tokenKey), 'the station\'s verifier key is the token key\'s');

  // Nothing in the directory is a signing key; the configuration names the token and holds no PIN.
  assert.ok(!existsSync(join(dir, 'station.key')));
  const config = JSON.parse(readFileSync(join(dir, 'hotline.json'), 'utf8'));
  assert.deepEqual(config.signer, { pkcs11: { module: hsm.module, token: 'hotline-station', key: 'hotline-Paris', pinEnv: PIN_ENV } });
  // The one key file is the ML-DSA key's (PKCS#11 tokens have no ML-DSA yet: docs/keys.md); the Ed25519 seed is nowhere.
  for (const file of filesUnder(dir)) {
    if (file === join(dir, 'station.mldsa.key')) continue;
    const text = readFileSync(file, 'latin1');
    assert.ok(!text.includes('PRIVATE+KEY'), `${file} holds a signed-note signing key`);
    assert.ok(!text.includes(PIN), `${file} holds the PIN`);
  }

  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'root', '--role', 'admin', '--password', PASSWORD])).code, 0);
  assert.equal((await cli(['member', 'add', '--dir', dir, '--name', 'duty', '--role', 'duty_officer', '--password', PASSWORD])).code, 0);
  const rootToken = (await cli(['token', 'create', '--dir', dir, '--member', 'root'])).stdout.trim();
  const dutyToken = (await cli(['token', 'create', '--dir', dir, '--member', 'duty'])).stdout.trim();

  station = await startStation(dir);
  const created = await api(station.url, rootToken, 'POST', '/v1/lines', { id: 'hsm', title: 'Keys in hardware', parties: [], members: ['duty'] });
  assert.equal(created.status, 201, created.text);
  // Appends in parallel: group commits, each entry and checkpoint signed in the token.
  const sent = await Promise.all([...Array(40)].map((_, i) => api(station!.url, dutyToken, 'POST', '/v1/lines/hsm/messages', { text: `Position report ${i}`, lang: 'en' })));
  assert.deepEqual(sent.map((r) => r.status), sent.map(() => 201));

  const env = { HOTLINE_URL: station.url, HOTLINE_TOKEN: dutyToken };
  const verified = await cli(['verify', '--line', 'hsm', '--key', vkey], { env });
  assert.equal(verified.code, 0, verified.stderr + verified.stdout);
  assert.match(verified.stdout, /ok {2}Paris: 41 entries verified/);

  // The checkpoint verifies under the key read out of the token by another process.
  const checkpoint = await (await fetchStation(`${station.url}/v1/lines/hsm/logs/Paris/checkpoint`, { headers: { authorization: `Bearer ${dutyToken}` } })).text();
  assert.equal(verifyNote(nodeCrypto, checkpoint, [parseVerifierKey(nodeCrypto, formatVerifierKey(nodeCrypto, 'Paris', tokenKey))]).verified.length, 1);

  // A restart logs in to the token again and signs on with the same key.
  await station.stop();
  station = await startStation(dir);
  assert.equal((await api(station.url, dutyToken, 'POST', '/v1/lines/hsm/messages', { text: 'After the restart', lang: 'en' })).status, 201);
  const again = await cli(['verify', '--line', 'hsm', '--key', vkey], { env: { ...env, HOTLINE_URL: station.url } });
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.match(again.stdout, /ok {2}Paris: 42 entries verified/);
  await station.stop();
  station = undefined;

  // hotline station reads the key from the token too.
  const shown = await cli(['station', '--dir', dir, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).key, vkey);
});

test('a wrong or missing PIN, or a token that is not there, stops the station with a message for the operator', async () => {
  const dir = join(work, 'paris');
  const wrong = await cli(['station', '--dir', dir], { env: { [PIN_ENV]: '000000' } });
  assert.equal(wrong.code, 3);
  assert.match(wrong.stderr, /wrong PIN for the PKCS#11 token 'hotline-station'/);
  const missing = await cli(['station', '--dir', dir], { env: { [PIN_ENV]: '' } });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /no PIN for the PKCS#11 token 'hotline-station': set the environment variable HOTLINE_TEST_PKCS11_PIN/);
  const elsewhere = await cli(['station', '--dir', dir], { env: { SOFTHSM2_CONF: join(work, 'no-such.conf') } });
  assert.notEqual(elsewhere.code, 0);
  assert.doesNotMatch(elsewhere.stderr, /\n\s+at /, 'no stack trace');
  // serve refuses the same way, before listening.
  const { spawnSync } = await import('node:child_process');
  const served = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/hotline.mjs'), 'serve', '--dir', dir, '--listen', '127.0.0.1:0', '--peer-listen', '127.0.0.1:0'], {
    env: { ...process.env, [PIN_ENV]: '000000' }, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(served.status, 3, served.stderr);
  assert.match(served.stderr, /wrong PIN for the PKCS#11 token 'hotline-station'/);
  assert.doesNotMatch(served.stderr, /\n\s+at /, 'no stack trace');
});

test('the witness\'s cosigning key in the token: cosignatures verify under its cosigner key, and no witness.key is written', () => {
  const dir = mkdtempSync(join(work, 'witness-'));
  const config: WitnessConfig = {
    name: 'witness.example.org/w1', listen: '127.0.0.1:0', database: 'witness.db', keyFile: 'witness.key',
    signer: { pkcs11: { module: hsm.module, token: 'hotline-station', key: 'hotline-witness', pinEnv: PIN_ENV } },
  };
  const made = makeWitnessIdentity(dir, config);
  assert.ok(!existsSync(join(dir, 'witness.key')));
  assert.throws(() => makeWitnessIdentity(dir, config), /already holds a key labelled 'hotline-witness'/);
  const opened = openWitnessIdentity(dir, config);
  assert.equal(opened.vkey, made.vkey);
  const checkpoint = 'hotline/line/hsm/Paris\n3\nq4bH3l7T9bGzU1vK0rYlIr8mX6d9O+Qv2rWfL3Zk1aA=\n';
  const line = signCosignature(nodeCrypto, opened.name, opened.signer, checkpoint, 1_800_000_000);
  assert.deepEqual(verifyCosignature(nodeCrypto, opened.verifier, checkpoint, line), { timestamp: 1_800_000_000 }, 'the cosignature verifies');
  assert.equal(fromOutside('hotline-witness').value, 'CKR_ATTRIBUTE_SENSITIVE');
});
