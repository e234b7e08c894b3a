import { effect, signal } from '@preact/signals';
import { ApiError, get, lineUrl, post, token } from '../api/client.ts';
import { events, iceServers, me, stationName } from '../app/session.ts';
import { t } from '../app/t.ts';
import { notify, unnotify } from './notify.ts';
import { startRinging, stopRinging } from './ringer.ts';
import { callIsOpen } from '../../../src/wire/call-status.ts';
import { sdpFingerprint } from '../../../src/wire/fingerprint.ts';
import { speaks } from '../../../src/wire/speaking.ts';
import type { CallView, SignalRecord } from './types.ts';
import { localStream, openMicrophone } from './microphone.ts';

// The console's one voice call at a time, and the calls ringing for us.
//
// Caller: microphone → peer connection → offer; the offer's DTLS fingerprint
// goes into the call request, then the offer itself as a signal. Callee, on
// Accept: the offer (from live signals or GET …/signals) → answer; the
// answer's fingerprint goes into the accept, then the answer as a signal.
// Each side checks that the other side's SDP carries exactly the fingerprint
// the other station signed into the call record (fingerprints.caller /
// fingerprints.callee), and that its own was recorded as given: a station in
// the middle swapping keys would have to sign the swap, and would be caught
// here. On a mismatch the console refuses or hangs up, and says why.

export interface Incoming { line: string; call: CallView; busy?: 'accepting' | 'declining'; error?: string }
export type Phase = 'preparing' | 'calling' | 'accepting' | 'accepted' | 'over';
export type Voice = 'none' | 'connecting' | 'connected' | 'failed';
export interface Problem { key: string; params?: Record<string, unknown>; severe?: boolean }
export interface Active {
  line: string;
  side: 'caller' | 'callee';
  callId: string | null;
  call: CallView | null;
  phase: Phase;
  voice: Voice;
  muted: boolean;
  problem: Problem | null;
  /** What the caller asked for, shown while the call is being placed. */
  target: { toParty: string | null; to: string | null };
}

export const incoming = signal<Incoming[]>([]);
export const active = signal<Active | null>(null);
export const remoteStream = signal<MediaStream | null>(null);

const WAIT_MS = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const callUrl = (line: string, id: string, rest = '') => lineUrl(line, `/calls/${encodeURIComponent(id)}${rest}`);

type Exposed = { pc: RTCPeerConnection; callId: string } | undefined;
const expose = (v: Exposed) => ((window as unknown as { __hotlineCall?: Exposed }).__hotlineCall = v);

/** Signals heard for calls ringing here, kept until someone here accepts. */
const heard = new Map<string, SignalRecord[]>();
/** Calls this console refused to answer (a fingerprint mismatch): they do not ring here again. */
const refused = new Set<string>();

let current: Session | null = null;

function patch(session: Session, change: Partial<Active>) {
  if (current !== session || !active.value) return;
  active.value = { ...active.value, ...change };
}

class Session {
  pc: RTCPeerConnection | null = null;
  local: MediaStream | null = null;
  callId: string | null = null;
  closed = false;
  canSendIce = false;
  offer: string | null = null;
  private localIce: string[] = [];
  private remoteIce: RTCIceCandidateInit[] = [];
  private seen = new Set<string>();
  private answered = false;

  constructor(readonly line: string, readonly side: 'caller' | 'callee') {}

  async open(): Promise<RTCPeerConnection> {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error(t('calls:problem.noMedia'));
    this.local = await openMicrophone();
    if (current === this) localStream.value = this.local;
    if (this.closed) {
      this.closeMedia();
      throw new Error(t('calls:problem.aborted'));
    }
    const pc = new RTCPeerConnection({ iceServers: iceServers.value });
    this.pc = pc;
    for (const track of this.local.getAudioTracks()) pc.addTrack(track, this.local);
    pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) this.iceOut(JSON.stringify(e.candidate.toJSON()));
    };
    pc.ontrack = (e) => {
      if (current === this) remoteStream.value = e.streams[0] ?? new MediaStream([e.track]);
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      if (s === 'connected') patch(this, { voice: 'connected' });
      else if (s === 'failed') patch(this, { voice: 'failed', problem: { key: 'calls:problem.voiceFailed' } });
      else if (s === 'disconnected' || s === 'connecting' || s === 'new') patch(this, { voice: 'connecting' });
    };
    return pc;
  }

  async send(kind: SignalRecord['kind'], data: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await post(callUrl(this.line, this.callId!, '/signals'), { kind, data });
        return;
      } catch (e) {
        // 503: the link to the other station is down for a moment; try again briefly.
        if (!(e instanceof ApiError) || e.status !== 503 || attempt >= 4 || this.closed) throw e;
        await sleep(1000);
      }
    }
  }

  private iceOut(candidate: string) {
    if (!this.callId || !this.canSendIce) this.localIce.push(candidate);
    else void this.send('ice', candidate).catch(() => undefined);
  }

  flushIce() {
    this.canSendIce = true;
    const queued = this.localIce.splice(0);
    void (async () => {
      for (const c of queued) await this.send('ice', c).catch(() => undefined);
    })();
  }

  async drainRemoteIce() {
    const pc = this.pc;
    if (!pc?.remoteDescription) return;
    for (const c of this.remoteIce.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
  }

  /** A signal from the other side, live or fetched; each is handled once. */
  received(s: SignalRecord) {
    const key = `${s.kind}\n${s.data}`;
    if (this.seen.has(key) || this.closed) return;
    this.seen.add(key);
    if (s.kind === 'offer') this.offer = s.data;
    else if (s.kind === 'answer') void this.onAnswer(s.data);
    else if (s.kind === 'ice') {
      let c: RTCIceCandidateInit;
      try {
        c = JSON.parse(s.data);
      } catch {
        return;
      }
      if (this.pc?.remoteDescription) void this.pc.addIceCandidate(c).catch(() => undefined);
      else this.remoteIce.push(c);
    } else if (s.kind === 'bye') {
      this.closeMedia();
      patch(this, { voice: 'none' });
    }
  }

  /** The call as recorded, once `ready` holds of it (from live events or by asking). */
  async recorded(ready: (c: CallView) => boolean): Promise<CallView | null> {
    const until = Date.now() + WAIT_MS;
    while (!this.closed && Date.now() < until) {
      const known = current === this ? active.value?.call : null;
      if (known && ready(known)) return known;
      const view = await get<CallView>(callUrl(this.line, this.callId!)).catch(() => null);
      if (view) {
        if (current === this) onCall(this.line, view);
        if (ready(view)) return view;
        if (!callIsOpen(view.status)) return null;
      }
      await sleep(400);
    }
    return null;
  }

  private async onAnswer(sdp: string) {
    if (this.side !== 'caller' || this.answered || !this.pc) return;
    this.answered = true;
    const view = await this.recorded((c) => !!c.fingerprints.callee);
    if (this.closed) return;
    if (!view) {
      patch(this, { problem: { key: 'calls:problem.noCalleeFingerprint', severe: true } });
      return void hangUp();
    }
    if (sdpFingerprint(sdp) !== view.fingerprints.callee) {
      patch(this, { problem: { key: 'calls:problem.mismatch', params: { party: view.toParty }, severe: true } });
      return void hangUp();
    }
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      await this.drainRemoteIce();
    } catch (e) {
      patch(this, { problem: { key: 'calls:problem.generic', params: { message: (e as Error).message }, severe: true } });
    }
  }

  closeMedia() {
    this.local?.getTracks().forEach((track) => track.stop());
    if (localStream.value === this.local) localStream.value = null;
    this.local = null;
    if (this.pc && this.pc.signalingState !== 'closed') this.pc.close();
    if (current === this) remoteStream.value = null;
  }

  close() {
    this.closed = true;
    this.closeMedia();
  }
}

const busy = () => !!active.value && active.value.phase !== 'over';

function finish(session: Session, call: CallView | null, problem?: Problem) {
  session.close();
  if (current !== session) return;
  if (active.value) active.value = { ...active.value, phase: 'over', voice: 'none', ...(call ? { call } : {}), ...(problem ? { problem } : {}) };
  current = null;
  remoteStream.value = null;
  expose(undefined);
}

const problemOf = (e: unknown): Problem => ({ key: 'calls:problem.generic', params: { message: e instanceof Error ? e.message : String(e) }, severe: true });

/** Places a call from this console: microphone first, so the call record carries our DTLS fingerprint. */
export async function placeCall(line: string, target: { to?: string; toParty?: string; exercise?: boolean }): Promise<void> {
  if (busy()) throw new Error(t('calls:busy'));
  const session = new Session(line, 'caller');
  current = session;
  active.value = { line, side: 'caller', callId: null, call: null, phase: 'preparing', voice: 'connecting', muted: false, problem: null, target: { to: target.to ?? null, toParty: target.toParty ?? null } };
  try {
    const pc = await session.open();
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription!.sdp;
    const fingerprint = sdpFingerprint(sdp);
    if (!fingerprint) throw new Error(t('calls:problem.noFingerprint'));
    if (session.closed) return;
    const { id } = await post<{ id: string }>(lineUrl(line, '/calls'), { ...(target.to ? { to: target.to } : {}), ...(target.toParty ? { toParty: target.toParty } : {}), ...(target.exercise ? { exercise: true } : {}), fingerprint });
    session.callId = id;
    if (session.closed) {
      // Cancelled while the request was on its way.
      await post(callUrl(line, id, '/cancel')).catch(() => undefined);
      return;
    }
    expose({ pc, callId: id });
    patch(session, { callId: id, phase: 'calling' });
    await session.send('offer', sdp);
    session.flushIce();
    const view = await session.recorded(() => true);
    if (view && view.fingerprints.caller !== fingerprint) {
      patch(session, { problem: { key: 'calls:problem.ownMismatch', severe: true } });
      await hangUp();
    }
  } catch (e) {
    if (current !== session) return;
    const id = session.callId;
    finish(session, null, problemOf(e));
    if (id) await post(callUrl(line, id, '/cancel')).catch(() => undefined);
  }
}

/** Accepts a call ringing here: the offer first, checked; then our answer's fingerprint into the accept. */
export async function accept(item: Incoming): Promise<void> {
  if (busy()) return;
  const { line, call } = item;
  incoming.value = incoming.value.filter((i) => i.call.id !== call.id);
  unnotify(call.id);
  const session = new Session(line, 'callee');
  session.callId = call.id;
  current = session;
  active.value = { line, side: 'callee', callId: call.id, call, phase: 'accepting', voice: 'connecting', muted: false, problem: null, target: { toParty: call.toParty, to: call.to } };
  try {
    if (!call.fingerprints.caller) {
      // Placed without voice (from the CLI, say): the call is still answered and recorded.
      await post(callUrl(line, call.id, '/accept'), {});
      patch(session, { phase: 'accepted', voice: 'none', problem: { key: 'calls:problem.noVoice' } });
      return;
    }
    for (const s of heard.get(call.id) ?? []) session.received(s);
    const until = Date.now() + WAIT_MS;
    while (!session.offer && !session.closed && Date.now() < until) {
      const { signals } = await get<{ signals: SignalRecord[] }>(callUrl(line, call.id, '/signals')).catch(() => ({ signals: [] as SignalRecord[] }));
      for (const s of signals) session.received(s);
      if (!session.offer) await sleep(400);
    }
    if (session.closed) return;
    if (!session.offer) throw new Error(t('calls:problem.noOffer'));
    if (sdpFingerprint(session.offer) !== call.fingerprints.caller) {
      refused.add(call.id);
      return finish(session, null, { key: 'calls:problem.mismatch', params: { party: call.party }, severe: true });
    }
    const pc = await session.open();
    await pc.setRemoteDescription({ type: 'offer', sdp: session.offer });
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = pc.localDescription!.sdp;
    const fingerprint = sdpFingerprint(sdp);
    if (!fingerprint) throw new Error(t('calls:problem.noFingerprint'));
    await post(callUrl(line, call.id, '/accept'), { fingerprint });
    if (session.closed) {
      // Hung up while the accept was on its way.
      await post(callUrl(line, call.id, '/end')).catch(() => undefined);
      return;
    }
    expose({ pc, callId: call.id });
    patch(session, { phase: 'accepted' });
    await session.send('answer', sdp);
    session.flushIce();
    await session.drainRemoteIce();
    const view = await session.recorded((c) => c.status !== 'ringing');
    if (view && view.status === 'accepted' && view.fingerprints.callee !== fingerprint) {
      patch(session, { problem: { key: 'calls:problem.ownMismatch', severe: true } });
      await hangUp();
    }
  } catch (e) {
    if (current !== session) return;
    const view = await get<CallView>(callUrl(line, call.id)).catch(() => null);
    if (view?.status === 'accepted' && active.value?.phase === 'accepted') {
      // Answered, but the voice failed to set up: say so; the member hangs up.
      patch(session, { voice: 'failed', problem: problemOf(e) });
      session.closeMedia();
      return;
    }
    finish(session, view, e instanceof ApiError && e.status === 409 ? { key: 'calls:problem.notRinging' } : problemOf(e));
  }
}

export async function decline(item: Incoming, reason: string): Promise<void> {
  const mark = (change: Partial<Incoming>) => (incoming.value = incoming.value.map((i) => (i.call.id === item.call.id ? { ...i, ...change } : i)));
  mark({ busy: 'declining', error: undefined });
  try {
    await post(callUrl(item.line, item.call.id, '/decline'), reason.trim() ? { reason: reason.trim() } : {});
    drop(item.call.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) drop(item.call.id);
    else mark({ busy: undefined, error: (e as Error).message });
  }
}

/** Cancels a call we are placing, or ends the call we are in. */
export async function hangUp(): Promise<void> {
  const session = current;
  const a = active.value;
  if (!session || !a) return;
  if (!session.callId || (a.side === 'callee' && a.phase === 'accepting')) {
    // Still getting the microphone or placing the call: stop here (a call placed meanwhile is cancelled).
    session.closed = true;
    return finish(session, null);
  }
  const status = a.call?.status ?? (a.phase === 'calling' ? 'ringing' : 'accepted');
  let view: CallView | null = null;
  try {
    if (status === 'ringing' && a.side === 'caller') await post(callUrl(a.line, session.callId, '/cancel'));
    else {
      if (session.pc) await Promise.race([session.send('bye', '').catch(() => undefined), sleep(1000)]);
      await post(callUrl(a.line, session.callId, '/end'));
    }
  } catch {
    // Already over (answered, ended or given up meanwhile): the record says how.
  }
  view = await get<CallView>(callUrl(a.line, session.callId)).catch(() => null);
  finish(session, view);
}

export function setMuted(muted: boolean): void {
  current?.local?.getAudioTracks().forEach((track) => (track.enabled = !muted));
  if (active.value) active.value = { ...active.value, muted };
}

export function dismiss(): void {
  if (active.value?.phase === 'over') active.value = null;
}

function drop(id: string) {
  incoming.value = incoming.value.filter((i) => i.call.id !== id);
  unnotify(id);
  if (current?.callId !== id) heard.delete(id);
}

function onRinging(line: string, call: CallView) {
  if (!speaks(me.value?.role) || call.toParty !== stationName.value || call.status !== 'ringing' || refused.has(call.id)) return;
  if (current?.callId === call.id) return;
  const known = incoming.value.some((i) => i.call.id === call.id);
  incoming.value = known ? incoming.value.map((i) => (i.call.id === call.id ? { ...i, call } : i)) : [...incoming.value, { line, call }];
  if (!known) {
    const who = call.to ? t('calls:ringing.forNotice', { name: call.to }) : '';
    notify(call.id, t('calls:ringing.title'), `${t('calls:ringing.from', { name: call.from, party: call.party })}${who ? ` — ${who}` : ''}`);
  }
}

function onCall(line: string, call: CallView) {
  if (call.status !== 'ringing') drop(call.id);
  else if (incoming.value.some((i) => i.call.id === call.id)) incoming.value = incoming.value.map((i) => (i.call.id === call.id ? { ...i, call } : i));
  const session = current;
  if (!session || session.callId !== call.id || session.line !== line || !active.value) return;
  active.value = { ...active.value, call, ...(call.status === 'accepted' && active.value.phase === 'calling' ? { phase: 'accepted' as Phase } : {}) };
  if (!callIsOpen(call.status)) finish(session, call);
}

function onSignal(line: string, callId: string, signal: SignalRecord) {
  if (current && current.callId === callId && current.line === line) return current.received(signal);
  // Kept for a call ringing here (a signal may even overtake its call.ringing event), until it is answered.
  if (!heard.has(callId) && heard.size >= 32) heard.delete(heard.keys().next().value!);
  const list = heard.get(callId) ?? [];
  list.push(signal);
  if (list.length > 64) list.splice(0, list.length - 64);
  heard.set(callId, list);
}

/** After (re)connecting the event stream: what rings here now, and how our call stands. */
async function resync() {
  const session = current;
  if (session?.callId) {
    const view = await get<CallView>(callUrl(session.line, session.callId)).catch(() => null);
    if (view) onCall(session.line, view);
  }
  if (!speaks(me.value?.role)) return;
  try {
    const { lines } = await get<{ lines: Array<{ id: string }> }>('/v1/lines');
    const found: Incoming[] = [];
    for (const l of lines) {
      const summary = await get<{ ringing?: string[] }>(lineUrl(l.id, '/summary')).catch(() => null);
      for (const id of summary?.ringing ?? []) {
        const call = await get<CallView>(callUrl(l.id, id)).catch(() => null);
        if (call) found.push({ line: l.id, call });
      }
    }
    const ids = new Set(found.map((f) => f.call.id));
    for (const i of incoming.value) if (!ids.has(i.call.id)) drop(i.call.id);
    for (const f of found) onRinging(f.line, f.call);
  } catch {
    // The next resync tries again.
  }
}

events.on((e) => {
  if (e.type === 'call.ringing' && e.line && e.call) onRinging(e.line, e.call as CallView);
  else if (e.type === 'call' && e.line && e.call) onCall(e.line, e.call as CallView);
  else if (e.type === 'call.signal' && e.line && e.signal) onSignal(e.line, String(e.call), e.signal as SignalRecord);
  else if (e.type === 'resync') void resync();
});

// The ring sounds while anything rings here; a call whose ring time passed
// stops ringing even if the other station's "unanswered" has not reached us.
effect(() => {
  if (incoming.value.length > 0) startRinging();
  else stopRinging();
});
setInterval(() => {
  const now = Date.now();
  for (const i of incoming.value) if (i.call.ringUntil + 10_000 < now) drop(i.call.id);
}, 1000);

// Closing or reloading the console mid-call: withdraw or end the call so the
// record does not show it running on. (keepalive lets the request outlive the page.)
window.addEventListener('pagehide', () => {
  const a = active.value;
  const id = current?.callId;
  if (!a || !id || a.phase === 'over') return;
  const status = a.call?.status ?? (a.phase === 'calling' ? 'ringing' : 'accepted');
  const what = status === 'ringing' && a.side === 'caller' ? 'cancel' : status === 'accepted' ? 'end' : null;
  if (!what) return;
  try {
    void fetch(callUrl(a.line, id, `/${what}`), { method: 'POST', keepalive: true, headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  } catch {
    // Nothing more to do as the page goes.
  }
});
