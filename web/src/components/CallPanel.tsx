import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../app/t.ts';
import { lineTitle } from '../app/line-titles.ts';
import { shortcutOf } from '../app/shortcuts.ts';
import { active, accept, decline, dismiss, hangUp, incoming, remoteStream, setMuted, type Active, type Incoming } from '../calls/session.ts';
import { outcome } from '../calls/describe.ts';
import { clock } from '../calls/types.ts';
import { callIsOpen } from '../../../src/wire/call-status.ts';
import '../calls/calls.css';
import { localStream } from '../calls/microphone.ts';
import { LevelMeter } from './LevelMeter.tsx';
import { lineName, partyName } from '../app/names.ts';

/** The ringing and in-call panel, over every page. */
export function CallPanel() {
  const audio = useRef<HTMLAudioElement>(null);
  const stream = remoteStream.value;
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  const ring = incoming.value[0];
  const a = active.value;
  return (
    <>
      {/* The other side's voice. */}
      <audio ref={audio} autoplay class="call-audio" data-testid="call-audio" />
      {ring && <Ringing key={ring.call.id} item={ring} more={incoming.value.length - 1} busy={!!a && a.phase !== 'over'} />}
      {a && <InCall a={a} />}
    </>
  );
}

function Ringing({ item, more, busy }: { item: Incoming; more: number; busy: boolean }) {
  const acceptButton = useRef<HTMLButtonElement>(null);
  const [reason, setReason] = useState('');
  const c = item.call;
  // c accepts, x declines (outside fields: a reason being typed stays a reason).
  const latest = useRef({ item, reason });
  latest.current = { item, reason };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutOf(e);
      if (action === 'accept' && !latest.current.item.busy) {
        e.preventDefault();
        void accept(latest.current.item);
      } else if (action === 'decline' && !latest.current.item.busy) {
        e.preventDefault();
        void decline(latest.current.item, latest.current.reason);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    // Focus goes to Accept; when the dialog goes, it returns where it was (unless the call panel took it).
    const before = document.activeElement as HTMLElement | null;
    acceptButton.current?.focus();
    return () => {
      const now = document.activeElement;
      if ((!now || now === document.body || !now.isConnected) && before?.isConnected) before.focus();
    };
  }, [c.id]);
  const working = !!item.busy;
  return (
    <div class="call-ringing-backdrop">
      <div class="call-ringing" role="alertdialog" aria-modal="false" aria-labelledby="call-ringing-title" aria-describedby="call-ringing-desc" data-call={c.id} data-testid="call-ringing">
        <h2 id="call-ringing-title"><span aria-hidden="true">☎ </span>{t('calls:ringing.title')}</h2>
        <div id="call-ringing-desc">
          <p class="call-ringing-from">{t('calls:ringing.from', { name: c.from, party: partyName(c.party) })}</p>
          <p>{c.to ? t('calls:ringing.for', { name: c.to }) : t('calls:ringing.forAnyone')}</p>
          {lineTitle(item.line) !== null && <p class="call-muted-text">{t('calls:ringing.line', { line: lineName(item.line, lineTitle(item.line)!) })}</p>}
        </div>
        {busy && <p class="call-note">{t('calls:ringing.busy')}</p>}
        {item.error && <p role="alert" class="error">{t('calls:problem.generic', { message: item.error })}</p>}
        <div class="call-actions">
          <button type="button" ref={acceptButton} class="call-accept" disabled={working || busy} onClick={() => void accept(item)} data-testid="call-accept">
            {t('calls:ringing.accept')}
          </button>
          <label class="call-reason">
            {t('calls:ringing.reason')}
            <input type="text" value={reason} maxLength={2000} onInput={(e) => setReason(e.currentTarget.value)} data-testid="call-decline-reason" />
          </label>
          <button type="button" class="danger" disabled={working} onClick={() => void decline(item, reason)} data-testid="call-decline">
            {t('calls:ringing.decline')}
          </button>
        </div>
        {more > 0 && <p class="call-note">{t('calls:ringing.more', { count: more })}</p>}
      </div>
    </div>
  );
}

function Timer({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="call-timer" role="timer" aria-live="off" aria-label={t('calls:panel.elapsed')} data-testid="call-timer">
      {clock(now - since)}
    </span>
  );
}

function InCall({ a }: { a: Active }) {
  const c = a.call;
  const hangUpButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Whoever just pressed Accept in the dialog finds the hang-up button under their hand.
    if (a.side === 'callee' && a.phase === 'accepting') hangUpButton.current?.focus();
  }, [a.side, a.phase]);
  const other = a.side === 'caller' ? (c ? (c.to ? t('calls:person', { name: c.to, party: c.toParty }) : c.toParty) : a.target.to ? t('calls:person', { name: a.target.to, party: a.target.toParty ?? '' }) : a.target.toParty ?? '') : c ? t('calls:person', { name: c.from, party: c.party }) : '';
  const problem = a.problem && (
    <p role="alert" class={a.problem.severe ? 'call-problem severe' : 'call-problem'} data-testid="call-problem">
      {a.problem.severe && <strong>{t('calls:problem.warning')} </strong>}
      {t(a.problem.key, a.problem.params)}
    </p>
  );
  let body;
  if (a.phase === 'preparing') {
    body = (
      <>
        <p role="status">{t('calls:panel.preparing')}</p>
        <div class="call-actions"><button type="button" class="danger" onClick={() => void hangUp()} data-testid="call-cancel">{t('calls:panel.cancel')}</button></div>
      </>
    );
  } else if (a.phase === 'calling') {
    body = (
      <>
        <p role="status">{other ? t('calls:panel.calling', { who: other }) : t('calls:panel.callingAnyone')}</p>
        <div class="call-actions"><button type="button" class="danger" onClick={() => void hangUp()} data-testid="call-cancel">{t('calls:panel.cancel')}</button></div>
      </>
    );
  } else if (a.phase === 'accepting' || a.phase === 'accepted') {
    const voice = a.phase === 'accepting' ? 'connecting' : a.voice;
    body = (
      <>
        <p>
          {t('calls:panel.inCall', { who: other })}{' '}
          {c?.startedAt ? <Timer since={c.startedAt} /> : null}
        </p>
        <p role="status" class={`call-voice call-voice-${voice}`} data-voice={voice}>{t(`calls:voice.${voice}`)}</p>
        {/* Our own level while we speak: a dead microphone shows at once, not when the other side says so. */}
        <LevelMeter stream={a.muted ? null : localStream.value} label={t('calls:mic.ours')} />
        <div class="call-actions">
          <button type="button" class="secondary" aria-pressed={a.muted} disabled={a.phase !== 'accepted' || a.voice === 'none'} onClick={() => setMuted(!a.muted)} data-testid="call-mute">
            {a.muted ? t('calls:panel.unmute') : t('calls:panel.mute')}
          </button>
          <button type="button" ref={hangUpButton} class="danger" onClick={() => void hangUp()} data-testid="call-hangup">{t('calls:panel.hangUp')}</button>
        </div>
      </>
    );
  } else {
    body = (
      <>
        <p role="status" data-testid="call-outcome" data-status={c?.status ?? ''}>
          {c ? (callIsOpen(c.status) ? t('calls:panel.stopped') : outcome(c)) : t('calls:panel.stopped')}
        </p>
        <div class="call-actions"><button type="button" class="secondary" onClick={dismiss} data-testid="call-dismiss">{t('calls:panel.dismiss')}</button></div>
      </>
    );
  }
  return (
    <section class={`call-panel call-panel-${a.phase}`} aria-label={t('calls:panel.label')} data-testid="call-panel" data-phase={a.phase} data-call={a.callId ?? ''}>
      <h2 class="call-panel-title">{t('calls:panel.label')}</h2>
      {body}
      {problem}
    </section>
  );
}
