import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl } from '../../api/client.ts';
import { events, me, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { outcome, whoCalled } from '../../calls/describe.ts';
import { askNotificationPermission, notificationPermission } from '../../calls/notify.ts';
import { active, placeCall } from '../../calls/session.ts';
import { speaks } from '../../../../src/wire/speaking.ts';
import type { CallView } from '../../calls/types.ts';
import '../../calls/calls.css';
import type { LineView } from '../../../../src/wire/line.ts';
import { ExerciseMark } from '../../components/ExerciseMark.tsx';
import { MicrophoneCheck } from '../../components/MicrophoneCheck.tsx';
import { SharedPresence } from './SharedPresence.tsx';

/** The line's calls, newest first, with their outcomes; and a form to place one. */
export function Calls({ line }: { line: LineView }) {
  const [calls, setCalls] = useState<CallView[] | null>(null);
  const [error, setError] = useState('');
  const load = () => get<{ calls: CallView[] }>(lineUrl(line.id, '/calls')).then((r) => { setCalls(r.calls); setError(''); }, (e) => setError((e as Error).message));
  useEffect(() => {
    void load();
    return events.on((e) => {
      if ((e.type === 'call' && e.line === line.id) || e.type === 'resync') void load();
    });
  }, [line.id]);
  return (
    <div data-view="Calls" class="calls-view">
      <h2 id="calls-title">{t('calls:list.title')}</h2>
      {speaks(me.value?.role) && <PlaceCall line={line} />}
      <SharedPresence line={line} />
      {speaks(me.value?.role) && <MicrophoneCheck />}
      {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
      {!calls ? <p>{t('loading')}</p> : calls.length === 0 ? <p>{t('calls:list.none')}</p> : (
        <table aria-labelledby="calls-title" data-testid="calls-table">
          <thead>
            <tr>
              <th scope="col">{t('calls:list.placed')}</th>
              <th scope="col">{t('calls:list.from')}</th>
              <th scope="col">{t('calls:list.to')}</th>
              <th scope="col">{t('calls:list.outcome')}</th>
              <th scope="col">{t('calls:list.answered')}</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c) => {
              const who = whoCalled(c);
              return (
                <tr key={c.id} data-call={c.id} data-status={c.status} class={c.exercise ? 'is-exercise' : undefined}>
                  <td>{formatTime(c.time, zone.value)}{c.exercise && <> <ExerciseMark /></>}</td>
                  <td>{who.from}</td>
                  <td>{who.to}</td>
                  <td class={`call-status-${c.status}`}>{outcome(c)}</td>
                  <td>
                    {c.startedAt ? t('calls:list.span', { start: formatTime(c.startedAt, zone.value, 'time'), end: c.endedAt ? formatTime(c.endedAt, zone.value, 'time') : '…' }) : c.answer ? formatTime(c.answer.time, zone.value, 'time') : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function PlaceCall({ line }: { line: LineView }) {
  const others = line.parties.map((p) => p.name).filter((p) => p !== stationName.value);
  const [to, setTo] = useState('');
  const [toParty, setToParty] = useState(others[0] ?? '');
  const [exercise, setExercise] = useState(false);
  const [error, setError] = useState('');
  const [permission, setPermission] = useState(notificationPermission());
  const busy = !!active.value && active.value.phase !== 'over';
  const submit = (e: Event) => {
    e.preventDefault();
    setError('');
    // A click is the moment a browser lets us ask to show notifications of calls ringing here.
    void askNotificationPermission().then(setPermission);
    placeCall(line.id, { to: to.trim() || undefined, toParty: others.length > 1 ? toParty : undefined, exercise }).catch((err) => setError((err as Error).message));
  };
  return (
    <>
      <form class="call-form" onSubmit={submit} aria-labelledby="place-call-title" data-testid="place-call">
        <h3 id="place-call-title" class="call-form-title">{t('calls:place.title')}</h3>
        <label>
          {t('calls:place.to')}
          <input type="text" name="to" value={to} list="call-members" maxLength={128} onInput={(e) => setTo(e.currentTarget.value)} autocomplete="off" />
        </label>
        <datalist id="call-members">{line.members.map((m) => <option key={m} value={m} />)}</datalist>
        {others.length > 1 && (
          <label>
            {t('calls:place.party')}
            <select name="toParty" value={toParty} onChange={(e) => setToParty(e.currentTarget.value)}>
              {others.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
        )}
        {others.length === 1 && <p class="call-hint">{t('calls:place.toParty', { party: others[0] })}</p>}
        <label class="inline"><input type="checkbox" checked={exercise} onChange={(e) => setExercise(e.currentTarget.checked)} data-testid="call-exercise" /> {t('exercise.compose')}</label>
        <button type="submit" disabled={busy || others.length === 0}>{t('calls:place.submit')}</button>
        {busy && <p class="call-hint">{t('calls:busy')}</p>}
      </form>
      {error && <p role="alert" class="error">{t('calls:problem.generic', { message: error })}</p>}
      {permission === 'default' && (
        <p class="call-hint">
          {t('calls:notify.explain')}{' '}
          <button type="button" class="secondary" onClick={() => void askNotificationPermission().then(setPermission)}>{t('calls:notify.enable')}</button>
        </p>
      )}
      {permission === 'denied' && <p class="call-hint">{t('calls:notify.denied')}</p>}
    </>
  );
}
