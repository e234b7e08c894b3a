// The default key source (a KeySource, key-source.ts): the Ed25519 seed in a file of the station
// directory, mode 0600, in the shape of Go's signed-note signer keys.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Signer } from '../../core/crypto.ts';
import { HotlineError } from '../../core/errors.ts';
import { formatSignerKey, parseSignerKey } from '../../core/note/key.ts';
import { newSeed, nodeCrypto, signerFromSeed } from '../../node/crypto.ts';
import { retirable, samePublicKey } from './key-source-retirable.ts';

/** station.key → station.next.key; any other name gets ".next". */
export const nextKeyFile = (keyFile: string) => (keyFile.endsWith('.key') ? `${keyFile.slice(0, -4)}.next.key` : `${keyFile}.next`);

export class FileKeySource {
  readonly where: string;
  private readonly path: string;
  private readonly nextPath: string;
  private loaded: { signer: Signer; retire(): void } | undefined;
  /** The generated key's guarded Signer, handed out by generate() and next(), made current by activate(). */
  private pending: { signer: Signer; retire(): void } | undefined;

  constructor(dir: string, private readonly name: string, keyFile: string) {
    this.where = `file ${keyFile}`;
    this.path = join(dir, keyFile);
    this.nextPath = join(dir, nextKeyFile(keyFile));
  }

  current(): Signer {
    if (!this.loaded) {
      this.finishActivation();
      this.loaded = retirable(this.read(this.path), this.where);
    }
    return this.loaded.signer;
  }

  create(): Signer {
    if (existsSync(this.path)) throw new HotlineError('conflict', `${this.path} already holds a station key`);
    this.loaded = retirable(this.write(this.path), this.where);
    return this.loaded.signer;
  }

  next(): Signer | undefined {
    if (!existsSync(this.nextPath)) return undefined;
    this.pending ??= retirable(this.read(this.nextPath), this.where);
    return this.pending.signer;
  }

  generate(): Signer {
    if (existsSync(this.nextPath)) throw new HotlineError('conflict', `${this.nextPath} already holds a next key (a rotation under way?)`);
    this.pending = retirable(this.write(this.nextPath), this.where);
    return this.pending.signer;
  }

  activate(next: Signer): void {
    this.current();
    const waiting = this.next();
    if (!waiting || !samePublicKey(waiting, next)) throw new HotlineError('conflict', `the key to activate is not the one in ${this.nextPath}`);
    const retiredPath = `${this.path}.retired-${this.retiredCount() + 1}`;
    // Two renames, each durable: a crash between them leaves no station.key, a
    // next key and a retired one, which current() completes (finishActivation).
    renameSync(this.path, retiredPath);
    syncDir(dirname(this.path));
    renameSync(this.nextPath, this.path);
    syncDir(dirname(this.path));
    this.loaded?.retire();
    this.loaded = this.pending?.signer === next ? this.pending : retirable(next, this.where);
    this.pending = undefined;
  }

  close(): void {}

  retired(): Uint8Array[] {
    const prefix = `${basename(this.path)}.retired-`;
    return readdirSync(dirname(this.path))
      .filter((f) => f.startsWith(prefix) && /^[1-9][0-9]*$/.test(f.slice(prefix.length)))
      .sort((x, y) => Number(x.slice(prefix.length)) - Number(y.slice(prefix.length)))
      .map((f) => this.read(join(dirname(this.path), f)).publicKey);
  }

  private finishActivation(): void {
    if (!existsSync(this.path) && existsSync(this.nextPath) && this.retiredCount() > 0) {
      renameSync(this.nextPath, this.path);
      syncDir(dirname(this.path));
    }
  }

  private retiredCount(): number {
    const prefix = `${basename(this.path)}.retired-`;
    return Math.max(0, ...readdirSync(dirname(this.path)).filter((f) => f.startsWith(prefix)).map((f) => Number(f.slice(prefix.length)) || 0));
  }

  private read(path: string): Signer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch {
      throw new HotlineError('not_found', `cannot read the station key ${path}`);
    }
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new HotlineError('forbidden', `the station key ${path} is readable by others; run: chmod 600 ${path}`);
    }
    const key = parseSignerKey(nodeCrypto, text, (seed) => signerFromSeed(seed).publicKey);
    if (key.name !== this.name) throw new HotlineError('bad_request', `the station key ${path} is for '${key.name}' but hotline.json says '${this.name}'`);
    return signerFromSeed(key.seed);
  }

  /** Creates the key file with mode 0600 and refuses to overwrite an existing one. */
  private write(path: string): Signer {
    const seed = newSeed();
    const signer = signerFromSeed(seed);
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, formatSignerKey(nodeCrypto, this.name, seed, signer.publicKey) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncDir(dirname(path));
    return signer;
  }
}

function syncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
