// Where the station's signing key lives: a file in the station directory (the
// default) or a PKCS#11 token. Identity, init and key rotation ask this, not
// the file or the token, so a key can move to hardware without them changing.
import type { Signer } from '../../core/crypto.ts';
import type { StationConfig } from '../config.ts';
import { FileKeySource } from './file-key.ts';
import { Pkcs11KeySource } from './pkcs11-key.ts';

export interface KeySource {
  /** For operators: "file station.key" or "PKCS#11 token t, key hotline-2026-12-02". */
  readonly where: string;
  /** The key that signs now. */
  current(): Signer;
  /**
   * The station's first key (hotline init). Refuses where a key already is:
   * a station made anew with an old key would sign a second history under it.
   */
  create(): Signer;
  /** A key made by generate() and not yet activated (a rotation under way), if any. */
  next(): Signer | undefined;
  /** A new key beside the current one (file: station.next.key, 0600; token: a new object), not yet current. */
  generate(): Signer;
  /**
   * The key from generate() becomes current. The old one is retired and never
   * signs again: its Signer refuses; the file is renamed station.key.retired-<n>;
   * the token object is relabelled <key>.retired-<n> and loses CKA_SIGN.
   */
  activate(next: Signer): void;
  /** The public keys of the retired ones, oldest first, where the source can list them (a line may name one). */
  retired?(): Uint8Array[];
  /** Lets go of the token session (a file source holds nothing). */
  close(): void;
}

/** The key source hotline.json names: `signer.pkcs11` if given, else the file `keyFile`. */
export function openKeySource(dir: string, config: Pick<StationConfig, 'name' | 'keyFile' | 'signer'>): KeySource {
  return config.signer?.pkcs11 ? new Pkcs11KeySource(dir, config.signer.pkcs11) : new FileKeySource(dir, config.name, config.keyFile);
}

