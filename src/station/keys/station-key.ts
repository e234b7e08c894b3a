// The one holder of the station's signing key while it runs. Every part that
// signs (the appender, the replicator's receipts, the link handshake, line
// tests, recovery) holds this object, never the key inside it, so a rotation
// switches all of them at once: the next signature anywhere is the new key's.
import type { Signer } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { noteText, parseRotation } from '../../core/keys/rotation.ts';
import { nodeCrypto } from '../../node/crypto.ts';

export class StationKey implements Signer {
  private signer: Signer;
  private text: string;
  private key: VerifierKey;
  /** This station's rotation statements, oldest first (what the link hello carries). */
  private chain: string[] = [];
  private keys: string[] = [];
  private retiredKeys: string[] = [];
  /**
   * How the link follows peers' rotations (link/peer-keys.ts), carried here
   * so every handshake this key signs finds it.
   */
  peerKeys?: {
    revocations(): readonly Revocation[];
    followed(peer: string, from: string, key: string): void;
    offered(peer: string, key: string): void;
  };
  /** Told after every switch (caches of "our key" elsewhere). */
  readonly switched: Array<(vkey: string) => void> = [];

  constructor(readonly name: string, signer: Signer) {
    this.signer = signer;
    this.text = formatVerifierKey(nodeCrypto, name, signer.publicKey);
    this.key = parseVerifierKey(nodeCrypto, this.text);
  }

  get publicKey(): Uint8Array {
    return this.signer.publicKey;
  }

  /** Signed-note verifier key text of the key signing now. */
  get vkey(): string {
    return this.text;
  }

  get verifier(): VerifierKey {
    return this.key;
  }

  sign(message: Uint8Array): Uint8Array {
    return this.signer.sign(message);
  }

  /** From now on every signature is `next`'s. */
  switchTo(next: Signer): void {
    if (bytesEqual(next.publicKey, this.signer.publicKey)) {
      this.signer = next;
      return;
    }
    this.signer = next;
    this.text = formatVerifierKey(nodeCrypto, this.name, next.publicKey);
    this.key = parseVerifierKey(nodeCrypto, this.text);
    for (const f of this.switched) f(this.text);
  }

  /** The rotation statements that lead from the station's first key to this one, oldest first. */
  get rotations(): readonly string[] {
    return this.chain;
  }

  set rotations(statements: readonly string[]) {
    this.chain = [...statements];
    const keys: string[] = [];
    for (const note of statements) {
      const r = parseRotation(nodeCrypto, noteText(note));
      if (keys.length === 0) keys.push(r.old);
      keys.push(r.new);
    }
    this.keys = keys;
  }

  /** Every key this station has signed with, oldest first, the current one last: a line may name any of them for us. */
  known(): string[] {
    const all = [...this.retiredKeys.filter((k) => !this.keys.includes(k)), ...this.keys];
    return all.includes(this.text) ? all : [...all, this.text];
  }

  /** The key the last recorded rotation moved to, if the station ever rotated: it must be the one signing. */
  get rotatedTo(): string | undefined {
    return this.keys.length > 0 ? this.keys[this.keys.length - 1] : undefined;
  }

  /** Keys the key source kept, retired (they count as ours even when the database that recorded the rotations is lost). */
  retire(publicKeys: readonly Uint8Array[]): void {
    this.retiredKeys = publicKeys.map((k) => formatVerifierKey(nodeCrypto, this.name, k)).filter((k) => k !== this.text);
  }
}
