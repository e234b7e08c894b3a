import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import type { Crypto, Signer } from '../../core/crypto.ts';
import type { LinkRole } from '../../core/link/hello.ts';
import { FRAME_CIPHER, HYBRID_EXCHANGE, KEX_EXPORTER_LABEL, KEX_EXPORTER_LENGTH } from '../../core/link/hybrid.ts';
import { KexAnswer, KexOffer } from '../../core/link/hybrid-messages.ts';
import { FrameSeal } from './frame-seal.ts';
import { answer, ExchangeError, offer, type ExchangeParties } from './hybrid-exchange.ts';
import { negotiatedGroup } from './tls-groups.ts';

/**
 * How long either end waits for the other's exchange message, as for the
 * hello: each is one message, sent at once.
 */
export const EXCHANGE_DEADLINE_MS = 5_000;

/**
 * `hybrid` (the default): every link runs the X25519 + ML-KEM-768 exchange
 * after the hellos and seals every message under its keys; a peer that does
 * not is refused. `off`: TLS alone, for a peer that cannot run the exchange
 * yet and for measuring what the exchange costs. Both ends must agree.
 */
export type ExchangePolicy = 'hybrid' | 'off';

/** What protects one link, as GET /v1/links and the console show it. */
export interface LinkProtection {
  /** The TLS version ('TLSv1.3'). */
  tls: string | null;
  /** The TLS key-exchange group, as the dialing side's TLS library reports it; null when not known on this end. */
  tlsGroup: string | null;
  exchange: typeof HYBRID_EXCHANGE | 'none';
  /** What seals each message inside TLS; null when TLS alone carries them. */
  cipher: typeof FRAME_CIPHER | null;
}

export interface Protected {
  protection: LinkProtection;
  /** Present when the exchange ran: every message from now on is sealed and opened with it. */
  seal?: FrameSeal;
  /** Messages that arrived after the exchange, before a session took the socket over. */
  takeEarly(): WebSocket.RawData[];
}

export interface ProtectionParties {
  me: string;
  peer: string;
  /** The raw Ed25519 key the peer's hello verified under. */
  peerKey: Uint8Array;
  signer: Signer;
  crypto: Crypto;
}

/**
 * Runs, right after both hellos verify, whatever the policy asks to protect
 * this link beyond TLS: the dialer offers its X25519 and ML-KEM-768 shares,
 * the listener answers; both sign under their station keys, bound to this TLS
 * session's exporter, and both derive one key per direction. `early` holds
 * what arrived after the hello (handshake.ts), the first of which may be the
 * exchange message itself.
 */
export function protectLink(
  ws: WebSocket,
  socket: TLSSocket,
  role: LinkRole,
  policy: ExchangePolicy,
  parties: ProtectionParties,
  early: WebSocket.RawData[],
  timeoutMs = EXCHANGE_DEADLINE_MS,
): Promise<Protected> {
  const tls = socket.getProtocol() ?? null;
  const dialerGroup = role === 'dialer' ? negotiatedGroup(socket) : '';
  if (policy === 'off') {
    return Promise.resolve({ protection: { tls, tlsGroup: dialerGroup || null, exchange: 'none', cipher: null }, takeEarly: () => early.splice(0) });
  }
  let exporter: Uint8Array;
  try {
    exporter = new Uint8Array(socket.exportKeyingMaterial(KEX_EXPORTER_LENGTH, KEX_EXPORTER_LABEL, Buffer.alloc(0)));
  } catch {
    return Promise.reject(new ExchangeError('closed', 'the TLS session has no keying material'));
  }
  const mine = parties.signer.publicKey;
  const exchange: ExchangeParties = role === 'dialer'
    ? { dialer: parties.me, listener: parties.peer, dialerKey: mine, listenerKey: parties.peerKey, exporter, crypto: parties.crypto, signer: parties.signer }
    : { dialer: parties.peer, listener: parties.me, dialerKey: parties.peerKey, listenerKey: mine, exporter, crypto: parties.crypto, signer: parties.signer };
  const view = (tlsGroup: string): LinkProtection => ({ tls, tlsGroup: tlsGroup || null, exchange: HYBRID_EXCHANGE, cipher: FRAME_CIPHER });

  if (role === 'dialer') {
    let offered: ReturnType<typeof offer>;
    try {
      offered = offer(exchange, dialerGroup);
    } catch (e) {
      return Promise.reject(e);
    }
    ws.send(JSON.stringify(offered.message));
    return awaitOne(ws, early, timeoutMs, parties.peer, 'no_answer', (message) => {
      if (!Value.Check(KexAnswer, message)) {
        throw new ExchangeError('no_answer', `${parties.peer} answered the key-exchange offer with ${describe(message)}: its hybrid key exchange may be off`);
      }
      const keys = offered.finish(message);
      return { protection: view(dialerGroup), seal: new FrameSeal(keys.dialerToListener, keys.listenerToDialer) };
    });
  }
  return awaitOne(ws, early, timeoutMs, parties.peer, 'not_offered', (message) => {
    if (!Value.Check(KexOffer, message)) {
      throw new ExchangeError('not_offered', `${parties.peer} sent ${describe(message)} where this station requires the ${HYBRID_EXCHANGE} key exchange`);
    }
    const answered = answer(exchange, message);
    ws.send(JSON.stringify(answered.message));
    return { protection: view(answered.tlsGroup), seal: new FrameSeal(answered.keys.listenerToDialer, answered.keys.dialerToListener) };
  });
}

function describe(message: unknown): string {
  const t = (message as { t?: unknown } | null)?.t;
  return typeof t === 'string' ? `'${t.slice(0, 20)}'` : 'something else';
}

/**
 * Waits for the other end's one exchange message (from `early` first) and
 * hands it to `step`, in the turn of the event loop that read it; what arrives
 * after is held for the session, as handshake.ts holds what follows a hello.
 */
function awaitOne(
  ws: WebSocket,
  early: WebSocket.RawData[],
  timeoutMs: number,
  peer: string,
  missing: 'no_answer' | 'not_offered',
  step: (message: unknown) => Omit<Protected, 'takeEarly'>,
): Promise<Protected> {
  return new Promise((resolve, reject) => {
    const held: WebSocket.RawData[] = [];
    let done = false;
    const timer = setTimeout(() => finish(new ExchangeError(missing, `no key-exchange message from ${peer} within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const onClose = (code: number, reason: Buffer) => {
      finish(new ExchangeError('closed', `${peer} closed the link during the key exchange (${code}${reason.length ? `: ${reason.toString()}` : ''})`));
    };
    const onMessage = (data: WebSocket.RawData) => {
      if (done) {
        held.push(data);
        return;
      }
      done = true;
      clearTimeout(timer);
      ws.off('close', onClose);
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = undefined;
      }
      try {
        const result = step(message);
        resolve({
          ...result,
          takeEarly: () => {
            ws.off('message', onMessage);
            return held.splice(0);
          },
        });
      } catch (e) {
        ws.off('message', onMessage);
        reject(e);
      }
    };
    function finish(err: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      reject(err);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
    for (const data of early.splice(0)) onMessage(data);
  });
}
