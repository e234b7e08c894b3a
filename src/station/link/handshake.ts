import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import type { Crypto, Signer } from '../../core/crypto.ts';
import type { Revocation } from '../../core/keys/revocation.ts';
import { fromBase64, toBase64 } from '../../core/encoding.ts';
import { EXPORTER_LABEL, EXPORTER_LENGTH, helloSigningInput, type LinkRole } from '../../core/link/hello.ts';
import { Hello } from '../../core/link/messages.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { followRotations, HELLO_ROTATIONS, revocationOfKey, type PeerKeyFollowing } from './peer-keys.ts';

/**
 * How long either end waits for the other's hello once the WebSocket is open.
 * A hello is one small message; a peer that has not sent it by then is not
 * speaking the protocol, and its connection is dropped.
 */
export const HELLO_DEADLINE_MS = 5_000;

/**
 * Why a handshake failed. `bad_signature` and `wrong_peer` come from a
 * connection speaking our protocol with a pinned name but the wrong key:
 * a misconfiguration or a man in the middle, worth a warning each time.
 * The others are what any stranger on the network can cause.
 */
export type HandshakeFailure = 'not_open' | 'no_hello' | 'not_json' | 'not_hello' | 'closed' | 'not_pinned' | 'wrong_peer' | 'bad_signature';

export class HandshakeError extends Error {
  constructor(readonly kind: HandshakeFailure, message: string) {
    super(message);
  }
}

/** The station key as the handshake uses it: the holder (keys/station-key.ts) also knows its rotations and, for now, the peers' key following. */
export type HelloSigner = Signer & {
  /** This station's rotation statements, oldest first: the hello carries the latest few. */
  readonly rotations?: readonly string[];
  /** Verifier key text of the key signing now: the hello names it. */
  readonly vkey?: string;
  /** Where the link follows peers' rotations (until the parties carry it themselves). */
  readonly peerKeys?: PeerKeyFollowing;
};

export interface HandshakeParties {
  me: string;
  signer: HelloSigner;
  crypto: Crypto;
  /** Verifier key text of each pinned peer, by party name. */
  pinned: Map<string, string>;
  /** Follows a peer's rotations from its pin (default: the signer's). */
  peerKeys?: PeerKeyFollowing;
}

export interface Handshaken {
  peer: string;
  /** Verifier key text the peer's hello verified under: its pin, or the key its rotations led to from the pin. */
  key: string;
  /**
   * Messages that arrived after the hello, before a session took the socket
   * over; the session calls this once, as it attaches its own listener.
   */
  takeEarly(): WebSocket.RawData[];
}

/**
 * Proves our station key to the other end and checks theirs, both bound to
 * this TLS session. The dialer speaks first and names whom it expects; the
 * listener answers only a pinned party. The hello is checked in the same turn
 * of the event loop that delivered it, and `onVerified` runs there too (it
 * raises the message limit), so that a message the peer sends right after its
 * hello is already read under the authenticated limits.
 */
export function handshake(
  ws: WebSocket,
  tls: TLSSocket,
  role: LinkRole,
  parties: HandshakeParties,
  expect?: string,
  timeoutMs = HELLO_DEADLINE_MS,
  onVerified: () => void = () => undefined,
): Promise<Handshaken> {
  if (ws.readyState !== ws.OPEN || tls.destroyed) return Promise.reject(new HandshakeError('not_open', 'the connection closed before the handshake'));
  let exporter: Uint8Array;
  try {
    exporter = new Uint8Array(tls.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL, Buffer.alloc(0)));
  } catch {
    return Promise.reject(new HandshakeError('not_open', 'the TLS session has no keying material'));
  }
  const sayHello = (to: string) => {
    const sig = parties.signer.sign(helloSigningInput(role, parties.me, to, exporter));
    const rotations = parties.signer.rotations ?? [];
    ws.send(JSON.stringify({
      t: 'hello', party: parties.me, sig: toBase64(sig),
      ...(rotations.length > 0 ? { keys: rotations.slice(-HELLO_ROTATIONS) } : {}),
      ...(parties.signer.vkey ? { key: parties.signer.vkey } : {}),
    }));
  };
  const following = parties.peerKeys ?? parties.signer.peerKeys;
  const check = (hello: unknown): { peer: string; key: string } => {
    if (!Value.Check(Hello, hello)) throw new HandshakeError('not_hello', 'the first message was not a hello');
    const peer = hello.party;
    if (role === 'dialer' && peer !== expect) throw new HandshakeError('wrong_peer', `expected ${expect} but ${peer} answered`);
    const keyText = parties.pinned.get(peer);
    if (!keyText) throw new HandshakeError('not_pinned', `${peer} is not a pinned peer`);
    const key = parseVerifierKey(parties.crypto, keyText);
    const theirRole: LinkRole = role === 'dialer' ? 'listener' : 'dialer';
    let sig: Uint8Array;
    try {
      sig = fromBase64(hello.sig);
    } catch {
      throw new HandshakeError('bad_signature', `${peer}'s hello signature is not base64`);
    }
    const input = helloSigningInput(theirRole, peer, parties.me, exporter);
    const revocations = following?.revocations() ?? [];
    let verifiedBy = keyText;
    let verifier = key;
    if (!parties.crypto.verify(key.publicKey, input, sig)) {
      // Not the pinned key: the peer may have rotated; its statements must lead from the pin to the key that signed.
      const reached = following ? followRotations(parties.crypto, peer, key, hello.keys ?? [], revocations) : [];
      const by = reached.find((k) => parties.crypto.verify(k.key.publicKey, input, sig));
      if (!by) {
        if (following && hello.key) offeredKey(parties.crypto, peer, hello.key, input, sig, following, revocations);
        throw new HandshakeError('bad_signature', `${peer}'s hello is not signed by its pinned key for this TLS session${hello.keys?.length ? ', nor by a key its rotations lead to from the pin' : ''}`);
      }
      verifiedBy = by.text;
      verifier = by.key;
    }
    // A key revoked here (its replacement not confirmed yet, or a thief's copy) links no more: its operators confirm the new key first.
    const revoked = revocationOfKey(parties.crypto, peer, verifier, revocations);
    if (revoked) {
      throw new HandshakeError('bad_signature', `${peer}'s key is revoked (compromised since ${new Date(revoked.compromisedAt).toISOString()}): confirm its new key with hotline peer revoke`);
    }
    if (verifiedBy !== keyText) following!.followed(peer, keyText, verifiedBy);
    onVerified();
    if (role === 'listener') sayHello(peer);
    return { peer, key: verifiedBy };
  };
  if (role === 'dialer') sayHello(expect!);
  return awaitHello(ws, timeoutMs, check);
}

/** A hello that verifies under the key it names, which the pin does not reach: remembered for the operators to confirm, never trusted here. */
function offeredKey(c: Crypto, peer: string, text: string, input: Uint8Array, sig: Uint8Array, following: PeerKeyFollowing, revocations: readonly Revocation[]): void {
  try {
    const k = parseVerifierKey(c, text);
    // A revoked key is never offered: a thief's hello would otherwise overwrite the real new key.
    if (k.name === peer && c.verify(k.publicKey, input, sig) && !revocationOfKey(c, peer, k, revocations)) following.offered(peer, text);
  } catch {
    // Not a key: nothing to remember.
  }
}

function awaitHello(ws: WebSocket, timeoutMs: number, check: (hello: unknown) => { peer: string; key: string }): Promise<Handshaken> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new HandshakeError('no_hello', 'no hello within the time limit')), timeoutMs);
    timer.unref();
    const onMessage = (data: WebSocket.RawData) => {
      let hello: unknown;
      try {
        hello = JSON.parse(data.toString());
      } catch {
        fail(new HandshakeError('not_json', 'the hello was not JSON'));
        return;
      }
      let peer: { peer: string; key: string };
      try {
        peer = check(hello);
      } catch (e) {
        fail(e as Error);
        return;
      }
      stop();
      // Hold what follows until the session attaches its own listener.
      const early: WebSocket.RawData[] = [];
      const hold = (d: WebSocket.RawData) => void early.push(d);
      ws.on('message', hold);
      resolve({
        ...peer,
        takeEarly: () => {
          ws.off('message', hold);
          return early.splice(0);
        },
      });
    };
    const onClose = () => fail(new HandshakeError('closed', 'closed during the handshake'));
    function stop() {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    }
    function fail(err: Error) {
      stop();
      reject(err);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

/**
 * Refuses a connection with a reason the other end can read. A close reason
 * is at most 123 bytes of UTF-8 and ws throws on a longer one; a peer name
 * from a hostile hello may be long and multi-byte, so the reason is cut by
 * bytes, and a socket already gone is simply destroyed.
 */
export function refuse(ws: WebSocket, code: number, reason: string): void {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  try {
    ws.close(code, text.replace(/[\uD800-\uDBFF]$/, ''));
  } catch {
    ws.terminate();
    return;
  }
  // A silent client may never complete the closing handshake.
  setTimeout(() => ws.terminate(), 500).unref();
}
