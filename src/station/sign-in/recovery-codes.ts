import { createHash, randomBytes } from 'node:crypto';

/**
 * Recovery codes: ten one-time codes shown once at enrolment, for a member
 * who has lost their authenticator. Each carries 80 random bits, so a plain
 * SHA-256 is enough to store them: unlike a password nobody can guess one,
 * and a stolen database does not give them up to brute force either.
 */
export const RECOVERY_CODES = 10;

// Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10);
    let bits = 0n;
    for (const b of bytes) bits = (bits << 8n) | BigInt(b);
    let text = '';
    for (let i = 0; i < 16; i++) text = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + text;
    return text.match(/.{4}/g)!.join('-');
  });
}

/** The form a code is stored and compared in: case, dashes and spaces do not matter, nor the letters people confuse. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function hashRecoveryCode(code: string): Uint8Array {
  return createHash('sha256').update(`hotline/recovery-code\n${normaliseRecoveryCode(code)}`).digest();
}
