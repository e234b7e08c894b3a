import { fromBase64, toBase64 } from '../core/encoding.ts';
import { HotlineError } from '../core/errors.ts';
import { decodeEntry, verifyEntry } from '../core/entry.ts';
import { CALL_ACCEPT, CALL_REQUEST } from '../core/kinds/call.ts';
import { refId } from '../core/kinds/ref.ts';
import { callOutcome } from '../core/line-state/calls.ts';
import type { Signal } from '../core/link/messages.ts';
import { keyAt } from '../core/line-state/keys.ts';
import { parseVerifierKey } from '../core/note/key.ts';
import type { Member } from '../core/policy.ts';
import type { EventEmitter } from 'node:events';
import type { Crypto } from '../core/crypto.ts';
import type { Feed } from './feed.ts';
import type { LineStates } from './line-states.ts';
import { sdpFingerprint } from '../wire/fingerprint.ts';
import { lineFor } from './line-access.ts';
import type { Links } from './link/links.ts';
import type { Store } from './storage/store.ts';

/** What the signalling uses of its station, and no more (the station passes itself). */
export interface SignallingStation {
  readonly name: string;
  readonly store: Store;
  readonly crypto: Crypto;
  readonly clock: () => number;
  readonly lineStates: LineStates;
  readonly feed: Feed;
  /** The station's bus: a refused signal raises an alarm on it. */
  readonly events: EventEmitter;
  /** Absent until the links are up (and on a follower). */
  readonly links?: Links;
}

export type SignalKind = Signal['kind'];
export interface SignalRecord { kind: SignalKind; data: string; from: string; time: number }

const KEEP = 64;


/**
 * Relays WebRTC signalling between the two sides' consoles through their
 * stations. An offer or answer must carry the DTLS fingerprint its own
 * station signed into the call's record, and the receiving station checks it
 * against that signed entry: a station that swapped in its own keys would
 * have to sign the swap. Recent signals are kept in memory per call so a
 * console that opens late still finds the offer.
 */
export class CallSignals {
  private readonly recentByCall = new Map<string, SignalRecord[]>();

  constructor(private readonly station: SignallingStation) {}

  async send(actor: Member, lineId: string, callId: string, kind: SignalKind, data: string): Promise<void> {
    const st = this.station;
    const line = await lineFor(st.store, actor, lineId, 'call');
    const state = await st.lineStates.get(line.id);
    const call = state?.calls.get(callId);
    if (!call) throw new HotlineError('not_found', 'no such call on this line');
    const side = call.party === st.name ? 'caller' : call.toParty === st.name ? 'callee' : null;
    if (!side) throw new HotlineError('forbidden', 'this station is not a side of that call');
    const outcome = callOutcome(call);
    if (outcome.status !== 'ringing' && outcome.status !== 'accepted') throw new HotlineError('conflict', `the call is ${outcome.status}`);
    let proof: string | undefined;
    if (kind === 'offer' || kind === 'answer') {
      if ((kind === 'offer') !== (side === 'caller')) throw new HotlineError('bad_request', `the ${side} sends ${side === 'caller' ? 'offers' : 'answers'}`);
      const recorded = side === 'caller' ? call.fingerprint : outcome.status === 'accepted' ? outcome.answer?.fingerprint : undefined;
      if (!recorded) throw new HotlineError('conflict', 'no DTLS fingerprint was recorded for this side of the call; give it when placing or accepting the call');
      if (sdpFingerprint(data) !== recorded) throw new HotlineError('bad_request', 'the SDP\'s DTLS fingerprint is not the one recorded for this call');
      const at = side === 'caller' ? call : outcome.answer!;
      const [bytes] = await st.store.entries({ line: line.id, party: at.party }, at.seq, at.seq + 1);
      proof = toBase64(bytes);
    }
    const peer = side === 'caller' ? call.toParty : call.party;
    if (!st.links?.sendTo(peer, { t: 'signal', line: line.id, call: callId, kind, data, ...(proof ? { proof } : {}) })) {
      throw new HotlineError('unavailable', `the link to ${peer} is not up; try again`, { retryAfter: 1 });
    }
  }

  /** A signal from a peer station: checked, kept, and passed to this side's consoles. */
  async received(peer: string, msg: Signal): Promise<void> {
    const st = this.station;
    const state = await st.lineStates.get(msg.line);
    const call = state?.calls.get(msg.call);
    if (!state || !call) return;
    const fromCaller = call.party === peer && call.toParty === st.name;
    const fromCallee = call.toParty === peer && call.party === st.name;
    if (!fromCaller && !fromCallee) return;
    if (msg.kind === 'offer' || msg.kind === 'answer') {
      if ((msg.kind === 'offer') !== fromCaller || !msg.proof) return this.refuse(peer, msg, 'an offer or answer came without its signed record');
      const author = state.line.parties.find((p) => p.name === peer);
      let recorded: unknown;
      try {
        const bytes = fromBase64(msg.proof);
        // The entry names its own position; what matters is that the peer signed it, with the key its log used there (it may have rotated since).
        const seq = decodeEntry(bytes).seq;
        const entry = verifyEntry(st.crypto, bytes, { line: msg.line, party: peer, seq, publicKey: parseVerifierKey(st.crypto, keyAt(state, peer, seq) ?? author!.key).publicKey });
        const names = msg.kind === 'offer' ? entry.kind === CALL_REQUEST && refId(entry) === msg.call : entry.kind === CALL_ACCEPT && refId(entry.body.call as { party: string; seq: number }) === msg.call;
        if (names) recorded = entry.body.fingerprint;
      } catch {
        recorded = undefined;
      }
      if (!recorded || sdpFingerprint(msg.data) !== recorded) return this.refuse(peer, msg, 'the SDP\'s DTLS fingerprint does not match the one the other station signed');
    }
    const record: SignalRecord = { kind: msg.kind, data: msg.data, from: peer, time: st.clock() };
    const key = `${msg.line}\n${msg.call}`;
    const list = this.recentByCall.get(key) ?? [];
    list.push(record);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.recentByCall.set(key, list);
    st.feed.publish({ type: 'call.signal', line: msg.line, need: 'call', call: msg.call, signal: record });
  }

  async recent(actor: Member, lineId: string, callId: string): Promise<SignalRecord[]> {
    const line = await lineFor(this.station.store, actor, lineId, 'call');
    const state = await this.station.lineStates.get(line.id);
    if (!state?.calls.has(callId)) throw new HotlineError('not_found', 'no such call on this line');
    return this.recentByCall.get(`${line.id}\n${callId}`) ?? [];
  }

  private refuse(peer: string, msg: Signal, detail: string): void {
    this.station.events.emit('alarm', { kind: 'signalling', line: msg.line, party: peer, detail: `${detail} (call ${msg.call})` });
  }
}
