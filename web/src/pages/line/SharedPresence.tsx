import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl, patch } from '../../api/client.ts';
import { events, me, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import type { LinePresence } from '../../../../src/wire/presence.ts';
import type { LineView } from '../../../../src/wire/line.ts';

/**
 * Who can be reached on the line before calling: the presence the other
 * parties chose to share of their principals; and, for whoever configures
 * the line, whether this party shares its own.
 */
export function SharedPresence({ line }: { line: LineView }) {
  const [p, setP] = useState<LinePresence | null>(null);
  const [error, setError] = useState('');
  const load = () => void get<LinePresence>(lineUrl(line.id, '/presence')).then(setP, (e: Error) => setError(e.message));
  useEffect(() => {
    load();
    return events.on((e) => {
      if ((e.type === 'entry' && e.line === line.id && (e.entry.kind === 'presence' || e.entry.kind === 'line.settings')) || e.type === 'resync') load();
    });
  }, [line.id]);
  if (!p) return error ? <p role="alert" class="error">{error}</p> : null;
  const us = stationName.value;
  const theirs = p.people.filter((x) => x.party !== us);
  const configures = me.value?.role === 'admin' || (line.discreet && (me.value?.role === 'principal' || me.value?.role === 'duty_officer'));
  const share = async (on: boolean) => {
    setError('');
    try {
      await patch(lineUrl(line.id, '/settings'), { sharePresence: on });
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section class="shared-presence" aria-labelledby="shared-presence-h" data-testid="shared-presence">
      <h3 id="shared-presence-h">{t('watch:shared.title')}</h3>
      {theirs.length === 0 ? <p class="call-muted-text">{t('watch:shared.none')}</p> : (
        <ul>
          {theirs.map((x) => (
            <li key={`${x.party}-${x.name}`} data-presence-of={x.name} data-status={x.status}>
              {t('watch:shared.person', { name: x.name, party: x.party, status: t(`watch:status.${x.status}`) })}
              {x.delegate && <> · {t('watch:shared.delegate', { name: x.delegate })}</>}
              <small> ({formatTime(x.time, zone.value, 'time')})</small>
            </li>
          ))}
        </ul>
      )}
      {configures && (
        <label class="inline">
          <input type="checkbox" checked={p.sharing.includes(us)} onChange={(e) => void share(e.currentTarget.checked)} data-testid="share-presence" /> {t('watch:shared.share')}
        </label>
      )}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}
