import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import type { Crypto, Signer } from '../../core/crypto.ts';
import { fromBase64, toBase64 } from '../../core/encoding.ts';
import { EXPORTER_LABEL, EXPORTER_LENGTH, helloSigningInput, type LinkRole } from '../../core/link/hello.ts';
import { Hello } from '../../core/link/messages.ts';
import { parseVerifierKey } from '../../core/note/key.ts';

export class HandshakeError extends Error {}

export interface HandshakeParties {
  me: string;
  signer: Signer;
  crypto: Crypto;
  /** Verifier key text of each pinned peer, by party name. */
  pinned: Map<string, string>;
}

/**
 * Proves our station key to the other end and checks theirs, both bound to
 * this TLS session. The dialer speaks first and names whom it expects; the
 * listener answers only a pinned party. Resolves to the peer's party name.
 */
export async function handshake(ws: WebSocket, tls: TLSSocket, role: LinkRole, parties: HandshakeParties, expect?: string, timeoutMs = 5000): Promise<string> {
  const exporter = new Uint8Array(tls.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL, Buffer.alloc(0)));
  const sayHello = (to: string) => {
    const sig = parties.signer.sign(helloSigningInput(role, parties.me, to, exporter));
    ws.send(JSON.stringify({ t: 'hello', party: parties.me, sig: toBase64(sig) }));
  };
  if (role === 'dialer') sayHello(expect!);
  const hello = await nextMessage(ws, timeoutMs);
  if (!Value.Check(Hello, hello)) throw new HandshakeError('the first message was not a hello');
  const peer = hello.party;
  if (role === 'dialer' && peer !== expect) throw new HandshakeError(`expected ${expect} but ${peer} answered`);
  const keyText = parties.pinned.get(peer);
  if (!keyText) throw new HandshakeError(`${peer} is not a pinned peer`);
  const key = parseVerifierKey(parties.crypto, keyText);
  const theirRole: LinkRole = role === 'dialer' ? 'listener' : 'dialer';
  let sig: Uint8Array;
  try {
    sig = fromBase64(hello.sig);
  } catch {
    throw new HandshakeError(`${peer}'s hello signature is not base64`);
  }
  if (!parties.crypto.verify(key.publicKey, helloSigningInput(theirRole, peer, parties.me, exporter), sig)) {
    throw new HandshakeError(`${peer}'s hello is not signed by its pinned key for this TLS session`);
  }
  if (role === 'listener') sayHello(peer);
  return peer;
}

function nextMessage(ws: WebSocket, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new HandshakeError('no hello within the time limit')), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      try {
        done(undefined, JSON.parse(data.toString()));
      } catch {
        done(new HandshakeError('the hello was not JSON'));
      }
    };
    const onClose = () => done(new HandshakeError('closed during the handshake'));
    function done(err?: Error, value?: unknown) {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (err) reject(err);
      else resolve(value);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}
