import { useEffect, useRef } from 'preact/hooks';
import { acknowledgeAlarm, sounding } from '../alarms/alarms.ts';
import { alarmChime, alarmSound } from '../alarms/alarm-sound.ts';
import { notify, unnotify } from '../calls/notify.ts';
import { href } from '../app/route.ts';
import { me, quietAlarms, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { formatTime } from '../i18n/index.ts';
import type { AlarmView } from '../../../src/wire/alarm.ts';
import { lineName, partyName } from '../app/names.ts';

/** Kinds whose sentence starts with their own name ("FLASH from …"): no label in front. */
export const SELF_NAMED = new Set(['flash', 'immediate']);

/** The alarm's sentence in the member's language, from the words the station chose (never an internal reference). */
export function alarmText(a: AlarmView): string {
  const w = a.words;
  const status = typeof w.status === 'string' ? t(`alarm.linkStatus.${w.status}`) : '';
  const said = t(`alarm.${a.kind}`, {
    ...w, status,
    line: typeof w.line === 'string' ? lineName(a.line, w.line) : t('alarm.station'),
    party: typeof w.party === 'string' ? partyName(w.party) : w.party,
    peer: typeof w.peer === 'string' ? partyName(w.peer) : w.peer,
  });
  const text = a.exercise ? `${t('exercise.word')} — ${said}` : said;
  // An escalation names the person it is for: say so to them, plainly.
  return a.kind === 'deadline' && w.notify && w.notify === me.value?.name ? `${text} ${t('alarm.forYou')}` : text;
}

/**
 * Every open alarm of the station, at the top of every page: what happened in
 * words, where (a link to the item), and an Acknowledge button that stops it
 * on every console of the station. While any is open a sound repeats (unless
 * the member made that kind quiet: then it chimes once), a desktop
 * notification is raised per alarm, and the tab's title counts them.
 */
export function AlarmBar() {
  const open = sounding.value;
  const heard = useRef(new Set<number>());
  useEffect(() => {
    const quiet = new Set(quietAlarms.value);
    // A ringing call has its own sound (the ringer); its alarm shows and counts, but does not beep over it.
    const loud = open.filter((a) => !quiet.has(a.kind) && a.kind !== 'call');
    alarmSound(loud.length === 0 ? null : loud.some((a) => a.kind === 'flash') ? 'flash' : 'alarm');
    const ids = new Set(open.map((a) => a.id));
    for (const a of open) {
      if (heard.current.has(a.id)) continue;
      heard.current.add(a.id);
      if (quiet.has(a.kind)) alarmChime();
      notify(`alarm-${a.id}`, `${t('alarm.title')}: ${a.words.line ?? t('alarm.station')}`, alarmText(a));
    }
    for (const id of heard.current) {
      if (ids.has(id)) continue;
      heard.current.delete(id);
      unnotify(`alarm-${id}`);
    }
  }, [open, quietAlarms.value]);
  useEffect(() => () => alarmSound(null), []);
  if (open.length === 0) return null;
  return (
    <section class="alarm-bar" data-testid="alarm-bar" aria-labelledby="alarm-bar-title">
      <h2 id="alarm-bar-title" class="visually-hidden">{t('alarm.count', { count: open.length })}</h2>
      <div role="alert" aria-live="assertive">
      <ul>
        {open.map((a) => (
          <li key={a.id} class={`alarm-item ${a.kind}`} data-alarm-kind={a.kind} data-alarm-id={a.id}>
            {!SELF_NAMED.has(a.kind) && <strong class="alarm-kind">{t(`alarm.kind.${a.kind}`)}</strong>}
            <span class="alarm-text">{alarmText(a)}</span>
            <time class="alarm-time" dateTime={new Date(a.raisedAt).toISOString()}>{formatTime(a.raisedAt, zone.value, 'time')}</time>
            {a.place && <a class="alarm-show" href={href({ page: 'line', line: a.place.line, tab: a.place.tab })}>{t('alarm.show')}</a>}
            <button type="button" class="alarm-ack" data-action="ack-alarm" onClick={() => void acknowledgeAlarm(a.id).catch(() => undefined)}>{t('alarm.acknowledge')}</button>
          </li>
        ))}
      </ul>
      </div>
    </section>
  );
}
