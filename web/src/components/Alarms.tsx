import { useEffect, useState } from 'preact/hooks';
import { events, me } from '../app/session.ts';
import { t } from '../app/t.ts';

interface Shown { id: number; text: string }

/** Alarms as they happen, announced to screen readers and kept until dismissed. */
export function Alarms() {
  const [shown, setShown] = useState<Shown[]>([]);
  useEffect(() => events.on((e) => {
    if (e.type !== 'alarm') return;
    const a = e.alarm ?? {};
    let text = t(`alarm.${a.kind}`, { line: e.line ?? '', message: a.message ?? '', level: a.level ?? '', party: a.party ?? '' });
    // An escalation names the person it is for: say so to them, plainly.
    if (a.kind === 'deadline' && a.notify && a.notify === me.value?.name) text += ` ${t('alarm.forYou')}`;
    setShown((s) => [...s.slice(-4), { id: Date.now() + Math.random(), text }]);
  }), []);
  return (
    <div class="alarms" role="alert" aria-live="assertive">
      {shown.map((a) => (
        <div key={a.id} class="alarm">
          <strong>{t('alarm.title')}:</strong> {a.text}
          <button type="button" onClick={() => setShown((s) => s.filter((x) => x.id !== a.id))}>{t('alarm.dismiss')}</button>
        </div>
      ))}
    </div>
  );
}
