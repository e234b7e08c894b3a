import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { Signer } from '../core/crypto.ts';
import type { VerifierKey } from '../core/note/key.ts';
import type { StationConfig } from './config.ts';
import { FileKeySource } from './keys/file-key.ts';
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

/** Creates the key file with mode 0600 and refuses to overwrite an existing one (the file key source's first key). */
export function createIdentity(name: string, keyPath: string): Identity {
  return identityOf(name, new FileKeySource(dirname(keyPath), name, basename(keyPath)).create());
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
