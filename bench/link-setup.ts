import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { listenForPeers } from '../src/station/link/link-server.ts';
import { dial } from '../src/station/link/dialer.ts';
import { handshake } from '../src/station/link/handshake.ts';
import { protectLink, type ExchangePolicy } from '../src/station/link/link-protection.ts';
import { PeerSession } from '../src/station/link/peer-session.ts';
import { LINK_MAX_PAYLOAD, raisePayloadLimit } from '../src/station/link/payload-limit.ts';
import { tlsIdentity } from '../src/station/link/tls.ts';
import { summarize } from './stats.ts';

// Link set-up time: from the dialer opening its TCP connection to the
// listener handling the dialer's first message — TLS 1.3, both hellos, and
// (with the hybrid exchange) the X25519 + ML-KEM-768 offer and answer and the
// first sealed frame. Both ends run in this process over loopback, with the
// station's own listener, dialer, handshake, exchange and session code.

export interface LinkSetupResult {
  hybrid: { p50: number; p99: number; n: number };
  tlsOnly: { p50: number; p99: number; n: number };
  /** p50 with the exchange minus p50 without: what the hybrid exchange adds to a set-up. */
  addedP50Ms: number;
}

export async function linkSetup(count = 200, warmup = 20): Promise<LinkSetupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-link-setup-'));
  const dialerSigner = signerFromSeed(newSeed());
  const listenerSigner = signerFromSeed(newSeed());
  const pinnedAtListener = new Map([['Alpha', formatVerifierKey(nodeCrypto, 'Alpha', dialerSigner.publicKey)]]);
  const pinnedAtDialer = new Map([['Bravo', formatVerifierKey(nodeCrypto, 'Bravo', listenerSigner.publicKey)]]);
  let policy: ExchangePolicy = 'hybrid';
  let arrived: ((ms: number) => void) | undefined;
  const sessions: PeerSession[] = [];
  const quiet = () => undefined;

  const listener = await listenForPeers(await tlsIdentity(dir), '127.0.0.1', 0, (arrival) => void (async () => {
    const { ws, socket } = arrival;
    try {
      const { peer, takeEarly } = await handshake(ws, socket, 'listener', { me: 'Bravo', signer: listenerSigner, crypto: nodeCrypto, pinned: pinnedAtListener }, undefined, undefined, () => {
        raisePayloadLimit(ws, LINK_MAX_PAYLOAD + 16);
        arrival.authenticated();
      });
      const secured = await protectLink(ws, socket, 'listener', policy, { me: 'Bravo', peer, peerKey: dialerSigner.publicKey, signer: listenerSigner, crypto: nodeCrypto }, takeEarly());
      sessions.push(new PeerSession(peer, 'listener', 'bench', ws, async () => arrived?.(performance.now()), quiet, secured.takeEarly(), secured));
    } catch {
      ws.terminate();
    }
  })());

  const once = async (): Promise<number> => {
    const delivered = new Promise<number>((resolve) => (arrived = resolve));
    const start = performance.now();
    const { ws, socket } = await dial(listener.url, 5000);
    const { takeEarly } = await handshake(ws, socket, 'dialer', { me: 'Alpha', signer: dialerSigner, crypto: nodeCrypto, pinned: pinnedAtDialer }, 'Bravo', undefined, () => raisePayloadLimit(ws, LINK_MAX_PAYLOAD + 16));
    const secured = await protectLink(ws, socket, 'dialer', policy, { me: 'Alpha', peer: 'Bravo', peerKey: listenerSigner.publicKey, signer: dialerSigner, crypto: nodeCrypto }, takeEarly());
    const session = new PeerSession('Bravo', 'dialer', listener.url, ws, async () => undefined, quiet, secured.takeEarly(), secured);
    sessions.push(session);
    session.send({ t: 'have', logs: [] });
    const end = await delivered;
    for (const s of sessions.splice(0)) s.terminate();
    return end - start;
  };

  const run = async (p: ExchangePolicy) => {
    policy = p;
    for (let i = 0; i < warmup; i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await once());
    return summarize(samples);
  };

  try {
    const tlsOnly = await run('off');
    const hybrid = await run('hybrid');
    return { hybrid, tlsOnly, addedP50Ms: hybrid.p50 - tlsOnly.p50 };
  } finally {
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
