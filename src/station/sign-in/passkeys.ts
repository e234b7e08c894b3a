import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { HotlineError } from '../../core/errors.ts';
import type { PasskeyRecord } from '../storage/store.ts';

/**
 * Passkeys (WebAuthn) through SimpleWebAuthn. The relying party is the
 * station as the browser reached it: its id is the hostname the console was
 * loaded from, and the origin must be that same page's. Attestation is not
 * asked for: a passkey proves possession of its private key, which is all a
 * second factor needs; which maker built the authenticator is not checked.
 */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

const TIMEOUT_MS = 5 * 60_000;

export function registrationOptions(rp: RelyingParty, member: { id: number; name: string }, existing: PasskeyRecord[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: member.name,
    userID: new TextEncoder().encode(`hotline-member-${member.id}`),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((k) => ({ id: k.id, transports: k.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** The new passkey, or a 400 saying why the browser's answer was not accepted. */
export async function verifyRegistration(rp: RelyingParty, challenge: string, response: RegistrationResponseJSON): Promise<{ id: string; publicKey: Uint8Array; counter: number; transports: string[] }> {
  let verified;
  try {
    verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
  } catch (e) {
    throw new HotlineError('bad_request', `the passkey was not accepted: ${(e as Error).message}`);
  }
  if (!verified.verified) throw new HotlineError('bad_request', 'the passkey was not accepted');
  const { credential } = verified.registrationInfo;
  return { id: credential.id, publicKey: new Uint8Array(credential.publicKey), counter: credential.counter, transports: credential.transports ?? response.response.transports ?? [] };
}

export function authenticationOptions(rp: RelyingParty, keys: PasskeyRecord[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    timeout: TIMEOUT_MS,
    userVerification: 'preferred',
    allowCredentials: keys.map((k) => ({ id: k.id, transports: k.transports as never })),
  });
}

/** The passkey that signed, with its new counter; null for any failure (the caller answers 401). */
export async function verifyAuthentication(rp: RelyingParty, challenge: string, response: AuthenticationResponseJSON, keys: PasskeyRecord[]): Promise<{ key: PasskeyRecord; counter: number } | null> {
  const key = keys.find((k) => k.id === response.id);
  if (!key) return null;
  try {
    const verified = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false,
      credential: { id: key.id, publicKey: new Uint8Array(key.publicKey), counter: key.counter, transports: key.transports as never },
    });
    return verified.verified ? { key, counter: verified.authenticationInfo.newCounter } : null;
  } catch {
    // A counter that went backwards (a cloned authenticator), a wrong origin, a bad signature: all a failed second factor.
    return null;
  }
}

/**
 * The relying party for a request: its id is the Host's name, and the page
 * that calls must be served from that host (its Origin's host must match).
 */
export function relyingParty(headers: { host?: string; origin?: string }, station: string): RelyingParty {
  const { host, origin } = headers;
  if (!host || !origin) throw new HotlineError('bad_request', 'passkeys need a browser: the request has no Origin or Host');
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new HotlineError('bad_request', 'the Origin header is not a URL');
  }
  if (parsed.host.toLowerCase() !== host.toLowerCase()) throw new HotlineError('forbidden', 'the Origin is not this station');
  return { id: parsed.hostname.replace(/^\[|\]$/g, ''), name: `Hotline ${station}`, origin: parsed.origin };
}
