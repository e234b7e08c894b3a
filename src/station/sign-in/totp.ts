import { generate, generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP (RFC 6238) as authenticator apps do it: SHA-1, 30-second steps,
 * 6 digits, through otplib. A code is accepted for the step before and after
 * the current one (clock drift), and never for a step at or before the last
 * one accepted, so a code seen over a shoulder cannot be used again.
 */
export const PERIOD_S = 30;
export const DIGITS = 6;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or is given by hand. */
export function totpUri(secret: string, station: string, member: string): string {
  return generateURI({ issuer: `Hotline ${station}`, label: member, secret, period: PERIOD_S, digits: DIGITS });
}

/** The code for a time (ms); `secret` is base32 or the raw key bytes. */
export function totpCode(secret: string | Uint8Array, timeMs: number, digits: 6 | 8 = DIGITS): Promise<string> {
  return generate({ secret, epoch: Math.floor(timeMs / 1000), period: PERIOD_S, digits });
}

/** The time step a code is right for, near `timeMs`, or null. */
export async function totpStep(secret: string | Uint8Array, code: string, timeMs: number, options: { afterStep?: number; digits?: 6 | 8 } = {}): Promise<number | null> {
  const digits = options.digits ?? DIGITS;
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null;
  const result = await verify({
    secret, token: code, epoch: Math.floor(timeMs / 1000), period: PERIOD_S, digits, epochTolerance: PERIOD_S,
    ...(options.afterStep ? { afterTimeStep: options.afterStep } : {}),
  }).catch(() => ({ valid: false as const }));
  if (!result.valid) return null;
  // otplib's functional verify is typed for HOTP and TOTP alike; a TOTP match carries its time step.
  const step = (result as { timeStep?: unknown }).timeStep;
  return typeof step === 'number' ? step : null;
}
