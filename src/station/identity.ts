import { openSync, writeSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Signer } from '../core/crypto.ts';
import { HotlineError } from '../core/errors.ts';
import { formatSignerKey, parseSignerKey, type VerifierKey } from '../core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../node/crypto.ts';
import type { StationConfig } from './config.ts';
import { openKeySource } from './keys/key-source.ts';
import { StationKey } from './keys/station-key.ts';

/** The station's long-term signing identity: the party's name and Ed25519 key. */
export interface Identity {
  name: string;
  /** The one holder every part of the station signs through: a rotation switches it (keys/station-key.ts). */
  signer: StationKey;
  /** Signed-note verifier key text, `<name>+<hash>+<base64>`, of the key signing now. */
  readonly vkey: string;
  readonly verifier: VerifierKey;
}

type KeyConfig = Pick<StationConfig, 'name' | 'keyFile' | 'signer'>;

/** Makes the station's first key where hotline.json says: the key file (0600) or a new, non-extractable key in the PKCS#11 token. */
export function createIdentityAt(dir: string, config: KeyConfig): Identity {
  return identityOf(config.name, openKeySource(dir, config).create());
}

/** The station's key where hotline.json says (keys/key-source.ts): the key file, or the PKCS#11 token that signs without it ever leaving. */
export function openIdentity(dir: string, config: KeyConfig): Identity {
  return identityOf(config.name, openKeySource(dir, config).current());
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

/** The identity of a station whose key signs through `signer`; its vkey and verifier follow the key after a rotation. */
export function identityOf(name: string, signer: Signer): Identity {
  const key = signer instanceof StationKey ? signer : new StationKey(name, signer);
  return {
    name,
    signer: key,
    get vkey() {
      return key.vkey;
    },
    get verifier() {
      return key.verifier;
    },
  };
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
