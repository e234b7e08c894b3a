// The station's ML-DSA-44 key: station.mldsa.key (0600) beside station.key,
// made by `hotline init`, loaded at start. It signs the ML-DSA line of every
// checkpoint and receipt the station makes (c2sp.org/tlog-cosignature type
// 0x06), so what the station signs stays verifiable after Ed25519 falls. It
// rotates with the Ed25519 key: generate() writes station.next.mldsa.key,
// whose verifier key goes on the rotation statement's pq-new line, and
// activate() makes it current once the statement is recorded; the old file is
// kept, renamed station.mldsa.key.retired-<n>, and its signer refuses to sign.
// A station made before ML-DSA has no file and signs Ed25519 lines only.
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PqSigner } from '../../core/crypto.ts';
import { HotlineError } from '../../core/errors.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { formatMlDsaSignerKey, formatMlDsaVerifierKey, parseMlDsaSignerKey } from '../../core/note/mldsa.ts';
import { mlDsa44SignerFromSeed, newSeed, nodeCrypto } from '../../node/crypto.ts';

export const PQ_KEY_FILE = 'station.mldsa.key';
export const PQ_NEXT_KEY_FILE = 'station.next.mldsa.key';

/** An ML-DSA-44 key of the station: its signer and the verifier key peers pin. */
export interface PqKey {
  name: string;
  signer: PqSigner;
  /** `<name>+<hash>+base64(0x06 ‖ public key)`. */
  vkey: string;
  verifier: VerifierKey;
}

function pqKeyOf(name: string, signer: PqSigner): PqKey {
  const vkey = formatMlDsaVerifierKey(nodeCrypto, name, signer.publicKey);
  return { name, signer, vkey, verifier: parseVerifierKey(nodeCrypto, vkey) };
}

/** Writes a new key file with mode 0600; refuses to overwrite one (a second key under one name signs a second history). */
function writeNewKey(path: string, name: string): PqKey {
  const seed = newSeed();
  const signer = mlDsa44SignerFromSeed(seed);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new HotlineError('conflict', `${path} already exists: an ML-DSA key is never overwritten`);
    throw e;
  }
  try {
    writeSync(fd, formatMlDsaSignerKey(nodeCrypto, name, seed, signer.publicKey) + '\n');
  } finally {
    closeSync(fd);
  }
  return pqKeyOf(name, signer);
}

function readKey(path: string, name: string): PqKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw new HotlineError('not_found', `cannot read the station's ML-DSA key ${path}`);
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new HotlineError('forbidden', `the station's ML-DSA key ${path} is readable by others; run: chmod 600 ${path}`);
  }
  let key;
  try {
    key = parseMlDsaSignerKey(nodeCrypto, text, (seed) => mlDsa44SignerFromSeed(seed).publicKey);
  } catch (e) {
    throw new HotlineError('integrity', `${path} is not an ML-DSA key: ${(e as Error).message}`);
  }
  if (key.name !== name) throw new HotlineError('integrity', `${path} is the key of ${key.name}, not of this station (${name})`);
  return pqKeyOf(key.name, mlDsa44SignerFromSeed(key.seed));
}

/** The station's first ML-DSA key (hotline init, or later for a station made before ML-DSA). */
export function createPqKey(dir: string, name: string): PqKey {
  return writeNewKey(join(dir, PQ_KEY_FILE), name);
}

/** The current ML-DSA key, or undefined for a station that has none (made before ML-DSA). */
export function loadPqKey(dir: string, name: string): PqKey | undefined {
  const path = join(dir, PQ_KEY_FILE);
  return existsSync(path) ? readKey(path, name) : undefined;
}

/**
 * The station's ML-DSA key file and its rotation. The signer handed out by
 * current() refuses once activate() has retired its key, whoever still holds
 * it, so nothing is signed by a key the rotation statement said is gone.
 */
export class PqKeyFile {
  private active: { key: PqKey; retired: boolean } | undefined;

  constructor(private readonly dir: string, private readonly name: string) {
    const key = loadPqKey(dir, name);
    this.active = key ? { key, retired: false } : undefined;
  }

  readonly where = PQ_KEY_FILE;

  /** The key that signs now (undefined: the station has no ML-DSA key). */
  current(): PqKey | undefined {
    const a = this.active;
    if (!a) return undefined;
    const where = join(this.dir, PQ_KEY_FILE);
    return {
      ...a.key,
      signer: {
        publicKey: a.key.signer.publicKey,
        sign(message) {
          if (a.retired) throw new HotlineError('conflict', `the ML-DSA key ${where} is retired and signs nothing more`);
          return a.key.signer.sign(message);
        },
      },
    };
  }

  /** A key made by generate() and not yet activated (a rotation under way), if any. */
  next(): PqKey | undefined {
    const path = join(this.dir, PQ_NEXT_KEY_FILE);
    return existsSync(path) ? readKey(path, this.name) : undefined;
  }

  /** A new key beside the current one, station.next.mldsa.key (0600): its vkey is the rotation's pq-new. */
  generate(): PqKey {
    return writeNewKey(join(this.dir, PQ_NEXT_KEY_FILE), this.name);
  }

  /**
   * The key from generate() becomes current: station.mldsa.key becomes
   * station.mldsa.key.retired-<n> (the first n free), station.next.mldsa.key
   * becomes station.mldsa.key. Without a current key (a station made before
   * ML-DSA) the next key simply becomes the first.
   */
  activate(next: PqKey): PqKey {
    const nextPath = join(this.dir, PQ_NEXT_KEY_FILE);
    const stored = this.next();
    if (!stored || stored.vkey !== next.vkey) throw new HotlineError('conflict', `${nextPath} does not hold the key being activated`);
    const currentPath = join(this.dir, PQ_KEY_FILE);
    if (existsSync(currentPath)) {
      let n = 1;
      while (existsSync(`${currentPath}.retired-${n}`)) n++;
      renameSync(currentPath, `${currentPath}.retired-${n}`);
    }
    renameSync(nextPath, currentPath);
    if (this.active) this.active.retired = true;
    this.active = { key: stored, retired: false };
    return this.current()!;
  }
}
