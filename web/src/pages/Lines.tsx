import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl } from '../api/client.ts';
import { events, zone } from '../app/session.ts';
import { href } from '../app/route.ts';
import { t } from '../app/t.ts';
import { formatTime } from '../i18n/index.ts';
import { Lamp } from '../components/Lamp.tsx';
import type { LineView } from '../../../src/wire/line.ts';
import type { LineSummary } from '../../../src/wire/history.ts';
import type { Board, BoardLine } from '../../../src/wire/board.ts';
import { AlarmSounds } from '../components/AlarmSounds.tsx';
import { lineName, partyName } from '../app/names.ts';

/** Every line the member may see, with its lamp, last contact, what waits on whom, and the next check call. */
export function Lines() {
  const [lines, setLines] = useState<Array<LineView & { summary?: LineSummary; board?: BoardLine }> | null>(null);
  const [error, setError] = useState('');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);
  const load = async () => {
    try {
      const [{ lines }, board] = await Promise.all([get<{ lines: LineView[] }>('/v1/lines'), get<Board>('/v1/board').catch(() => null)]);
      const withSummaries = await Promise.all(lines.map(async (l) => ({
        ...l,
        summary: await get<LineSummary>(lineUrl(l.id, '/summary')).catch(() => undefined),
        board: board?.lines.find((b) => b.line === l.id),
      })));
      setLines(withSummaries);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    let pending: number | undefined;
    const off = events.on((e) => {
      if (['entry', 'link', 'resync', 'delivery'].includes(e.type)) {
        clearTimeout(pending);
        pending = window.setTimeout(() => void load(), 300);
      }
    });
    return () => {
      off();
      clearTimeout(pending);
    };
  }, []);
  if (error) return <p role="alert" class="error">{t('error.generic', { message: error })}</p>;
  if (!lines) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="lines-title">
      <div class="lines-head">
        <h1 id="lines-title">{t('lines.title')}</h1>
        <p class="utc-clock" data-testid="utc-clock"><abbr title={t('lines.utc')}>UTC</abbr> {new Date(now).toISOString().slice(11, 19)}</p>
      </div>
      {lines.length === 0 && <p>{t('lines.none')}</p>}
      <ul class="line-cards">
        {lines.map((l) => (
          <li key={l.id} class="line-card" data-line={l.id}>
            <h2>
              <a href={href({ page: 'line', line: l.id, tab: 'transcript' })} aria-label={t('lines.open', { title: lineName(l.id, l.title) })}>{lineName(l.id, l.title)}</a>
              {l.discreet && <span class="badge">{t('lines.discreet')}</span>}
            </h2>
            {l.summary && <Lamp status={l.summary.lamp} />}
            {l.summary && (
              <dl>
                <dt>{t('lines.parties')}</dt>
                <dd>{l.parties.map((p) => partyName(p.name)).join(', ')}</dd>
                <dt>{t('lines.lastContact')}</dt>
                <dd>{formatTime(l.summary.lastContact, zone.value)}</dd>
                <dt>{t('lines.unacknowledged')}</dt>
                <dd class={l.summary.unacknowledged.incomingOverdue > 0 ? 'overdue' : ''} data-waiting-us>
                  {l.summary.unacknowledged.incoming + l.summary.checksWaiting}
                  {l.board && l.board.waitingForUs.length > 0 && (
                    <span class="by-precedence">
                      {l.board.waitingForUs.map((w) => (
                        <span key={w.precedence} class={`precedence precedence-${w.precedence}`} data-waiting={w.precedence}>
                          {t(`precedence.${w.precedence}`)} {w.count}{w.overdue > 0 ? ` · ${t('lines.overdueCount', { count: w.overdue })}` : ''}
                        </span>
                      ))}
                    </span>
                  )}
                </dd>
                <dt>{t('lines.outgoing')}</dt>
                <dd class={l.summary.unacknowledged.outgoingOverdue > 0 ? 'overdue' : ''}>{l.summary.unacknowledged.outgoing}</dd>
                {l.summary.missedCalls > 0 && (
                  <>
                    <dt>{t('lines.missedCalls')}</dt>
                    <dd class="overdue" data-missed-calls={l.summary.missedCalls}><span aria-hidden="true">☎✕ </span>{l.summary.missedCalls}</dd>
                  </>
                )}
                <dt>{t('lines.nextCheck')}</dt>
                <dd>{formatTime(l.summary.nextCheck, zone.value)}</dd>
              </dl>
            )}
          </li>
        ))}
      </ul>
      <AlarmSounds />
    </section>
  );
}
