import type { Signer } from '../../core/crypto.ts';
import { HotlineError } from '../../core/errors.ts';

/**
 * A Signer that stops signing once its key is retired, whatever still holds
 * a reference to it (an appender not yet given the new key answers 503 and
 * the client retries, rather than a retired key signing one more entry).
 */
export function retirable(signer: Signer, where: string): { signer: Signer; retire(): void } {
  let retired = false;
  return {
    signer: {
      publicKey: signer.publicKey,
      sign(message) {
        if (retired) throw new HotlineError('unavailable', `the key ${where} is retired and signs nothing more`);
        return signer.sign(message);
      },
    },
    retire: () => void (retired = true),
  };
}

export const samePublicKey = (a: Signer, b: Signer) => a.publicKey.length === b.publicKey.length && a.publicKey.every((x, i) => x === b.publicKey[i]);
