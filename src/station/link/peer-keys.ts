// A peer's key as the link sees it: a hello signed by a key other than the
// pinned one is accepted when the peer's rotation statements lead from the
// pinned key to it (each signed by the old key and the new); the pin then
// follows. A rotation the pinned key signed at or after a recorded
// compromise of that key is not followed: the thief could have made it.
// A hello that verifies under a key the chain does not reach is refused,
// and its key is remembered as offered for the operators to confirm by
// fingerprint (hotline peer revoke).
import type { Logger } from 'pino';
import type { Crypto } from '../../core/crypto.ts';
import { bytesEqual } from '../../core/encoding.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { verifyRotation } from '../../core/keys/rotation.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { fingerprint } from '../identity.ts';
import { knownRevocations, OFFERED_SETTING } from '../keys/revocations.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import type { Store } from '../storage/store.ts';

/** Rotation statements a hello carries at most (the hello schema's limit): a peer pinned further back confirms by fingerprint. */
export const HELLO_ROTATIONS = 8;

/** What the handshake asks when a hello is not signed by the pinned key. Synchronous: the hello is checked in one turn. */
export interface PeerKeyFollowing {
  /** Revocations recorded here (a cache: the handshake cannot wait for the database). */
  revocations(): readonly Revocation[];
  /** The hello verified under `key`, reached from the pin `from` through the peer's rotations: the pin follows. */
  followed(peer: string, from: string, key: string): void;
  /** The hello verified under `key`, which the pin does not reach: remembered for the operators. */
  offered(peer: string, key: string): void;
}

/**
 * The keys a peer's rotation statements reach from `pinned`, in order. A
 * statement that does not start from the key reached so far is skipped (the
 * hello carries the latest few, which may begin before the pin).
 */
export function followRotations(c: Crypto, peer: string, pinned: VerifierKey, statements: readonly string[], revocations: readonly Revocation[]): Array<{ key: VerifierKey; text: string }> {
  const reached: Array<{ key: VerifierKey; text: string }> = [];
  let current = pinned;
  for (const note of statements) {
    let r;
    try {
      r = verifyRotation(c, note, current);
    } catch {
      continue;
    }
    if (r.rotation.party !== peer) continue;
    const revoked = revocations.find((x) => x.party === peer && sameKey(c, x.key, current));
    if (revoked) {
      const confirmed = revoked.replacement !== undefined && sameKey(c, revoked.replacement, r.new);
      if (!confirmed && r.rotation.time >= revoked.compromisedAt) break;
    }
    current = r.new;
    reached.push({ key: current, text: r.rotation.new });
  }
  return reached;
}

/** The revocation recorded here of the peer's key `key`, if any: a key revoked here links no more, whatever it signs. */
export function revocationOfKey(c: Crypto, peer: string, key: VerifierKey, revocations: readonly Revocation[]): Revocation | undefined {
  return revocations.find((x) => x.party === peer && sameKey(c, x.key, key));
}

function sameKey(c: Crypto, text: string, key: VerifierKey): boolean {
  try {
    const k = parseVerifierKey(c, text);
    return k.name === key.name && bytesEqual(k.publicKey, key.publicKey);
  } catch {
    return false;
  }
}

/** The station's side: revocations cached from the store, pins moved and offered keys recorded there. */
export class PeerKeys implements PeerKeyFollowing {
  private cached: readonly Revocation[] = [];
  private refreshing?: Promise<void>;

  constructor(private readonly deps: { store: Store; crypto: Crypto; clock: () => number; logger?: Logger }) {}

  /** Reads the revocations; call once before links open (and whenever they change, e.g. after hotline peer revoke). */
  async load(): Promise<void> {
    this.cached = await knownRevocations(this.deps.store);
  }

  revocations(): readonly Revocation[] {
    // What was read last, and a fresh read for the next hello.
    this.refreshing ??= this.load().catch(() => undefined).finally(() => (this.refreshing = undefined));
    return this.cached;
  }

  followed(peer: string, from: string, key: string): void {
    void this.follow(peer, from, key).catch((e) => this.deps.logger?.warn({ peer, reason: (e as Error).message }, 'could not move the pin to the peer\'s rotated key'));
  }

  offered(peer: string, key: string): void {
    void this.offer(peer, key).catch((e) => this.deps.logger?.warn({ peer, reason: (e as Error).message }, 'could not record the key a peer offered'));
  }

  private async follow(peer: string, from: string, key: string): Promise<void> {
    const { store } = this.deps;
    const record = (await store.listPeers()).find((p) => p.name === peer);
    // Moved already (another session), or changed by an operator meanwhile: theirs stands.
    if (!record || record.key !== from) return;
    await store.setPeer({ ...record, key });
    this.deps.logger?.warn({ peer, from: fingerprint(from), to: fingerprint(key) }, 'a peer rotated its key: the pin follows its rotation statements');
    await recordSecurityEvent(store, this.deps.clock(), {
      kind: 'peer.pinned', member: null, actor: null, address: null,
      detail: `${peer} key changed from ${fingerprint(from)} by its signed rotation statements; fingerprint ${fingerprint(key)}; endpoints ${record.urls.join(', ') || '(none)'}`,
    });
  }

  private async offer(peer: string, key: string): Promise<void> {
    const { store } = this.deps;
    const all = ((await store.setting(OFFERED_SETTING)) as Record<string, { key: string; at: number }> | null) ?? {};
    if (all[peer]?.key === key) return;
    await store.setSetting(OFFERED_SETTING, { ...all, [peer]: { key, at: this.deps.clock() } });
    this.deps.logger?.warn({ peer, fingerprint: fingerprint(key) }, 'a peer offered a key its pin does not lead to; refused until its operators confirm it (hotline peer revoke)');
  }
}
