import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Auth } from '../auth.ts';
import { SqliteStore } from '../storage/sqlite/sqlite-store.ts';
import { authenticationOptions, registrationOptions, relyingParty, verifyAuthentication, verifyRegistration, type RelyingParty } from './passkeys.ts';
import { SignIn } from './sign-in.ts';

// The passkey server side against a software authenticator: real P-256 keys,
// real CBOR attestation objects and real signatures, verified by
// SimpleWebAuthn exactly as a browser's answers are. (The console's passkeys
// are tested end to end in Chromium's virtual authenticator.)

const b64url = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

/** A platform authenticator in software: one P-256 credential, a signature counter. */
class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly x: Buffer;
  private readonly y: Buffer;
  counter = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x!, 'base64url');
    this.y = Buffer.from(jwk.y!, 'base64url');
  }

  private authData(rpId: string, withKey: boolean): Buffer {
    const flags = 0x01 | 0x04 | (withKey ? 0x40 : 0); // user present, user verified, attested credential data
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const head = Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
    if (!withKey) return head;
    const cose = new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, new Uint8Array(this.x)], [-3, new Uint8Array(this.y)]]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    return Buffer.concat([head, Buffer.alloc(16), idLength, this.credentialId, Buffer.from(isoCBOR.encode(cose))]);
  }

  register(options: { challenge: string; rp: { id?: string } }, origin: string): RegistrationResponseJSON {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
    const attestation = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(this.authData(options.rp.id!, true))]]) as never);
    return {
      id: b64url(this.credentialId), rawId: b64url(this.credentialId), type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestation), transports: ['internal'] },
    };
  }

  authenticate(challenge: string, rpId: string, origin: string): AuthenticationResponseJSON {
    this.counter++;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
    const authData = this.authData(rpId, false);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return {
      id: b64url(this.credentialId), rawId: b64url(this.credentialId), type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature) },
    };
  }
}

const rp: RelyingParty = { id: 'station.example', name: 'Hotline Washington', origin: 'https://station.example:7700' };

test('a passkey registers and then signs in; a wrong origin, a replayed counter or a forged signature does not', async () => {
  const device = new SoftAuthenticator();
  const options = await registrationOptions(rp, { id: 7, name: 'alice' }, []);
  assert.equal(options.rp.id, 'station.example');
  assert.equal(options.authenticatorSelection?.userVerification, 'preferred');
  const key = await verifyRegistration(rp, options.challenge, device.register(options, rp.origin));
  assert.equal(key.id, b64url(device.credentialId));
  const stored = { ...key, memberId: 7, label: 'laptop', createdAt: 1, lastUsedAt: null };

  await assert.rejects(verifyRegistration(rp, 'another-challenge', device.register(options, rp.origin)), /not accepted/);
  await assert.rejects(verifyRegistration(rp, options.challenge, device.register(options, 'https://evil.example')), /not accepted/);

  const login = await authenticationOptions(rp, [stored]);
  assert.deepEqual(login.allowCredentials?.map((c) => c.id), [stored.id]);
  const answer = device.authenticate(login.challenge, rp.id, rp.origin);
  const used = await verifyAuthentication(rp, login.challenge, answer, [stored]);
  assert.equal(used?.counter, 1);
  stored.counter = used!.counter;

  assert.equal(await verifyAuthentication(rp, login.challenge, device.authenticate(login.challenge, rp.id, 'https://evil.example'), [stored]), null, 'another origin');
  assert.equal(await verifyAuthentication(rp, 'not-the-challenge', device.authenticate(login.challenge, rp.id, rp.origin), [stored]), null, 'another challenge');
  assert.equal(await verifyAuthentication(rp, login.challenge, answer, [{ ...stored, counter: 5 }]), null, 'a counter that did not advance (a cloned authenticator or a replay)');
  const forged = device.authenticate(login.challenge, rp.id, rp.origin);
  forged.response.signature = b64url(sign('sha256', Buffer.from('something else'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
  assert.equal(await verifyAuthentication(rp, login.challenge, forged, [stored]), null, 'another key\'s signature');
  assert.equal(await verifyAuthentication(rp, login.challenge, new SoftAuthenticator().authenticate(login.challenge, rp.id, rp.origin), [stored]), null, 'an unregistered passkey');
});

test('the relying party is the host the browser used, and the Origin must be that host', () => {
  assert.deepEqual(relyingParty({ host: 'station.example:7700', origin: 'https://station.example:7700' }, 'Washington'), rp);
  assert.equal(relyingParty({ host: '[::1]:7700', origin: 'https://[::1]:7700' }, 'W').id, '::1');
  assert.throws(() => relyingParty({ host: 'station.example:7700', origin: 'https://evil.example' }, 'W'), (e: any) => e.code === 'forbidden');
  assert.throws(() => relyingParty({ host: 'station.example:7700' }, 'W'), (e: any) => e.code === 'bad_request');
});

describeSignIn();

/** The station's whole sign-in with a passkey as second factor, on a real store. */
function describeSignIn() {
  let dir: string;
  let store: SqliteStore;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-passkeys-'));
    store = new SqliteStore(join(dir, 'station.db'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sign-in with password then passkey: 202 with the passkey method, a challenge, a session; the challenge works once', async () => {
    const now = 1_800_000_000_000;
    const auth = new Auth(store, () => now);
    const signIn = new SignIn({ store, auth, clock: () => now, station: 'Washington', sessionHours: () => 12 });
    const record = await store.addMember({ name: 'alice', role: 'principal', passwordHash: await Auth.hashPassword('correct horse battery'), createdAt: now, disabled: false });
    const alice = { id: record.id, name: record.name, role: record.role };
    const from = { address: '127.0.0.1' };
    const device = new SoftAuthenticator();

    const first = await signIn.password('alice', 'correct horse battery', from);
    assert.equal(first.status, 201, 'no second factor yet');

    const options = await signIn.passkeyRegistration(alice, rp);
    const added = await signIn.addPasskey(alice, rp, 'laptop', device.register(options, rp.origin), from);
    assert.equal(added.label, 'laptop');
    await assert.rejects(signIn.addPasskey(alice, rp, 'again', device.register(options, rp.origin), from), /no passkey registration is under way/, 'a registration challenge works once');
    assert.deepEqual((await signIn.status(alice)).passkeys.map((k) => k.label), ['laptop']);

    const second = await signIn.password('alice', 'correct horse battery', from);
    assert.equal(second.status, 202);
    if (second.status !== 202) return;
    assert.deepEqual(second.body.methods, ['passkey']);
    const challenge = await signIn.passkeyOptions(second.body.pending, rp);
    const answer = device.authenticate(challenge.challenge, rp.id, rp.origin);
    const session = await signIn.secondStep('passkey', second.body.pending, { response: answer, rp }, from);
    assert.equal((await auth.member(session.token)).name, 'alice');
    assert.equal((await store.passkeys(record.id))[0].lastUsedAt, now);
    await assert.rejects(signIn.secondStep('passkey', second.body.pending, { response: answer, rp }, from), (e: any) => e.code === 'unauthenticated', 'a pending sign-in is finished once');

    const third = await signIn.password('alice', 'correct horse battery', from);
    if (third.status !== 202) throw new Error('want a second step');
    await assert.rejects(signIn.secondStep('passkey', third.body.pending, { response: answer, rp }, from), (e: any) => e.code === 'unauthenticated', 'no challenge asked for: nothing to answer');
    const again = await signIn.passkeyOptions(third.body.pending, rp);
    await assert.rejects(signIn.secondStep('passkey', third.body.pending, { response: answer, rp }, from), (e: any) => e.code === 'unauthenticated', 'an old answer to a new challenge');
    await assert.rejects(signIn.secondStep('passkey', third.body.pending, { response: device.authenticate(again.challenge, rp.id, rp.origin), rp }, from), (e: any) => e.code === 'unauthenticated', 'the challenge was spent by the wrong answer');
    const kinds = (await store.securityEvents({ limit: 100 })).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k.startsWith('second_factor')), ['second_factor.enrolled', 'second_factor.failed', 'second_factor.failed', 'second_factor.failed']);
  });
}
