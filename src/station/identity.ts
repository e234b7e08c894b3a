import { openSync, writeSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Signer } from '../core/crypto.ts';
import { HotlineError } from '../core/errors.ts';
import { formatSignerKey, formatVerifierKey, parseSignerKey, parseVerifierKey, type VerifierKey } from '../core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../node/crypto.ts';

/** The station's long-term signing identity: the party's name and Ed25519 key. */
export interface Identity {
  name: string;
  signer: Signer;
  /** Signed-note verifier key text, `<name>+<hash>+<base64>`. */
  vkey: string;
  verifier: VerifierKey;
}

/** Creates the key file with mode 0600 and refuses to overwrite an existing one. */
export function createIdentity(name: string, keyPath: string): Identity {
  const seed = newSeed();
  const signer = signerFromSeed(seed);
  const fd = openSync(keyPath, 'wx', 0o600);
  try {
    writeSync(fd, formatSignerKey(nodeCrypto, name, seed, signer.publicKey) + '\n');
  } finally {
    closeSync(fd);
  }
  return identityOf(name, signer);
}

export function loadIdentity(keyPath: string): Identity {
  let text: string;
  try {
    text = readFileSync(keyPath, 'utf8').trim();
  } catch {
    throw new HotlineError('not_found', `cannot read the station key ${keyPath}`);
  }
  if ((statSync(keyPath).mode & 0o077) !== 0) {
    throw new HotlineError('forbidden', `the station key ${keyPath} is readable by others; run: chmod 600 ${keyPath}`);
  }
  const key = parseSignerKey(nodeCrypto, text, (seed) => signerFromSeed(seed).publicKey);
  return identityOf(key.name, signerFromSeed(key.seed));
}

function identityOf(name: string, signer: Signer): Identity {
  const vkey = formatVerifierKey(nodeCrypto, name, signer.publicKey);
  return { name, signer, vkey, verifier: parseVerifierKey(nodeCrypto, vkey) };
}

/**
 * A short code two operators read aloud to each other before pinning keys:
 * six groups of five digits (about 100 bits) from SHA-256 of the verifier key.
 */
export function fingerprint(vkey: string): string {
  const digest = createHash('sha256').update(vkey).digest();
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    groups.push(String(digest.readUIntBE(i * 5, 5) % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
