// The station key in a PKCS#11 token or HSM. Labels do the bookkeeping that
// file names do for the file key: the key that signs is labelled as
// hotline.json says (`key`), a generated one waits as `<key>.next`, and a
// retired one becomes `<key>.retired-<n>` without CKA_SIGN. So rotation never
// rewrites hotline.json, and the token's own listing shows which key is which.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Signer } from '../../core/crypto.ts';
import { HotlineError } from '../../core/errors.ts';
import { generatePkcs11Key, hasPkcs11Key, openPkcs11Signer, pkcs11KeyLabels, relabelPkcs11Key, type Pkcs11Signer, type Pkcs11Token } from '../../node/pkcs11-signer.ts';
import type { Pkcs11KeyConfig } from '../config.ts';
import { retirable, samePublicKey } from './key-source-retirable.ts';

/**
 * The user PIN: from pinFile (mode 0600, like the key file it replaces) or
 * from the environment variable pinEnv. Never from hotline.json, which is
 * world-readable and copied to replicas.
 */
export function pkcs11Pin(dir: string, config: Pick<Pkcs11KeyConfig, 'token' | 'pinFile' | 'pinEnv'>): string {
  if (config.pinFile !== undefined) {
    const path = resolve(dir, config.pinFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new HotlineError('not_found', `cannot read the PIN file ${path} of the PKCS#11 token '${config.token}'`);
    }
    if ((statSync(path).mode & 0o077) !== 0) throw new HotlineError('forbidden', `the PIN file ${path} is readable by others; run: chmod 600 ${path}`);
    // A file written with echo ends in a newline that is not part of the PIN.
    return text.replace(/\r?\n$/, '');
  }
  const name = config.pinEnv ?? 'HOTLINE_PKCS11_PIN';
  const pin = process.env[name];
  if (pin === undefined || pin === '') {
    throw new HotlineError('unauthenticated', `no PIN for the PKCS#11 token '${config.token}': set the environment variable ${name}, or name a pinFile in the configuration`);
  }
  return pin;
}

export function pkcs11TokenOf(dir: string, config: Pkcs11KeyConfig): Pkcs11Token {
  return { module: config.module, token: config.token, pin: pkcs11Pin(dir, config) };
}

export class Pkcs11KeySource {
  readonly where: string;
  private readonly at: Pkcs11Token;
  private readonly label: string;
  private readonly nextLabel: string;
  private readonly open: Pkcs11Signer[] = [];
  private loaded: { signer: Signer; retire(): void } | undefined;
  /** The generated key's guarded Signer, handed out by generate() and next(), made current by activate(). */
  private pending: { signer: Signer; retire(): void } | undefined;

  constructor(dir: string, config: Pkcs11KeyConfig) {
    this.at = pkcs11TokenOf(dir, config);
    this.label = config.key;
    this.nextLabel = `${config.key}.next`;
    this.where = `PKCS#11 token ${config.token}, key ${config.key}`;
  }

  current(): Signer {
    if (!this.loaded) {
      this.finishActivation();
      this.loaded = retirable(this.hold(openPkcs11Signer(this.at, this.label)), this.where);
    }
    return this.loaded.signer;
  }

  create(): Signer {
    if (hasPkcs11Key(this.at, this.label)) {
      throw new HotlineError('conflict', `the PKCS#11 token '${this.at.token}' already holds a key labelled '${this.label}': a new station must not sign under an old key (to bring back a station whose directory was lost, write its hotline.json and run hotline recover)`);
    }
    this.loaded = retirable(this.hold(generatePkcs11Key(this.at, this.label)), this.where);
    return this.loaded.signer;
  }

  next(): Signer | undefined {
    if (!hasPkcs11Key(this.at, this.nextLabel)) return undefined;
    this.pending ??= retirable(this.hold(openPkcs11Signer(this.at, this.nextLabel)), this.where);
    return this.pending.signer;
  }

  generate(): Signer {
    this.pending = retirable(this.hold(generatePkcs11Key(this.at, this.nextLabel)), this.where);
    return this.pending.signer;
  }

  activate(next: Signer): void {
    this.current();
    const waiting = this.next();
    if (!waiting || !samePublicKey(waiting, next)) throw new HotlineError('conflict', `the key to activate is not the one labelled '${this.nextLabel}' in the PKCS#11 token '${this.at.token}'`);
    // Relabel the old key first: a crash between the two steps leaves no key
    // labelled `key`, a next key and a retired one, which current() completes.
    relabelPkcs11Key(this.at, this.label, `${this.label}.retired-${this.retiredCount() + 1}`, { retire: true });
    relabelPkcs11Key(this.at, this.nextLabel, this.label);
    this.loaded?.retire();
    this.loaded = this.pending?.signer === next ? this.pending : retirable(next, this.where);
    this.pending = undefined;
  }

  close(): void {
    for (const s of this.open.splice(0)) s.close();
  }

  private hold(signer: Pkcs11Signer): Pkcs11Signer {
    this.open.push(signer);
    return signer;
  }

  private finishActivation(): void {
    if (!hasPkcs11Key(this.at, this.label) && hasPkcs11Key(this.at, this.nextLabel) && this.retiredCount() > 0) {
      relabelPkcs11Key(this.at, this.nextLabel, this.label);
    }
  }

  private retiredCount(): number {
    const prefix = `${this.label}.retired-`;
    return Math.max(0, ...pkcs11KeyLabels(this.at, prefix).map((l) => Number(l.slice(prefix.length)) || 0));
  }
}
