import { chooseQuietAlarms, quietAlarms } from '../app/session.ts';
import { t } from '../app/t.ts';
import { alarmKinds } from '../../../src/wire/alarm.ts';

/** The member's choice of which alarm kinds chime once instead of repeating (kept on the station: preference `quiet`). */
export function AlarmSounds() {
  const quiet = new Set(quietAlarms.value);
  const toggle = (kind: string, on: boolean) => {
    const next = new Set(quiet);
    if (on) next.add(kind);
    else next.delete(kind);
    chooseQuietAlarms(alarmKinds.filter((k) => next.has(k)));
  };
  return (
    <details class="alarm-sounds" data-testid="alarm-sounds">
      <summary>{t('alarm.sounds')}</summary>
      <p>{t('alarm.soundsHint')}</p>
      <fieldset>
        <legend>{t('alarm.quiet')}</legend>
        {alarmKinds.map((k) => (
          <label key={k}>
            <input type="checkbox" checked={quiet.has(k)} data-quiet={k} onChange={(e) => toggle(k, e.currentTarget.checked)} /> {t(`alarm.kind.${k}`)}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
