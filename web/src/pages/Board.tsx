import './board.css';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client.ts';
import { events, stationName, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { alarmText, SELF_NAMED } from '../components/AlarmBar.tsx';
import { Lamp } from '../components/Lamp.tsx';
import { formatTime } from '../i18n/index.ts';
import type { Board as BoardView, BoardLine } from '../../../src/wire/board.ts';
import { lineName, partyName } from '../app/names.ts';

/** A clock in a zone, 24-hour, to the second: what a watch floor reads across the room. */
function clock(ms: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
  } catch {
    return '—';
  }
}

function Waiting({ items, label, who }: { items: BoardLine['waitingForUs'] | BoardLine['waitingForThem']; label: string; who?: boolean }) {
  return (
    <div class="board-waiting">
      <h3>{label}</h3>
      {items.length === 0 ? <p class="board-none">{t('board.nothing')}</p> : (
        <ul>
          {items.map((w) => (
            <li key={w.precedence} data-waiting={w.precedence} class={w.overdue > 0 ? 'overdue' : ''}>
              <span class={`precedence precedence-${w.precedence}`}>{t(`precedence.${w.precedence}`)}</span>{' '}
              <strong>{w.count}</strong>
              {w.overdue > 0 && <> · {t('board.overdue', { count: w.overdue })}</>}
              {who && 'parties' in w && w.parties.length > 0 && <> · {w.parties.join(', ')}</>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function LineTile({ l, now }: { l: BoardLine; now: number }) {
  return (
    <li class={`board-line lamp-border-${l.lamp}`} data-board-line={l.line}>
      <h2><a href={`#/lines/${encodeURIComponent(l.line)}/transcript`}>{lineName(l.line, l.title)}</a> <Lamp status={l.lamp} /></h2>
      <ul class="board-parties">
        {l.parties.map((p) => (
          <li key={p.name}>
            <strong>{partyName(p.name)}</strong>{' '}
            <span class="board-time">{p.zone ? clock(now, p.zone) : '—'}</span>{' '}
            <small>{p.zone ?? t('board.noZone')}</small>
            {p.nextCheck !== null && <small> · {t('board.nextCheck', { time: clock(p.nextCheck, 'UTC') })}</small>}
          </li>
        ))}
      </ul>
      <div class="board-columns">
        <Waiting items={l.waitingForUs} label={t('lines.unacknowledged')} />
        <Waiting items={l.waitingForThem} label={t('lines.outgoing')} who />
      </div>
      {l.checksWaitingForUs > 0 && <p class="overdue" data-board-checks>{t('board.checksWaiting', { count: l.checksWaitingForUs })}</p>}
      {l.calls.map((c) => (
        <p key={`${c.party}-${c.since}`} class={`board-call ${c.status}`} data-board-call={c.status}>
          {c.status === 'ringing' ? t(c.incoming ? 'board.ringingIn' : 'board.ringingOut', { from: c.from, party: c.party, to: c.toParty }) : t('board.inCall', { from: c.from, party: c.party, to: c.to ?? c.toParty })}
        </p>
      ))}
      {l.missedCalls > 0 && <p class="overdue" data-board-missed>{t('board.missedCalls', { count: l.missedCalls })}</p>}
      <p class="board-last">{t('lines.lastContact')}: {formatTime(l.lastContact, zone.value, 'time')}</p>
    </li>
  );
}

/**
 * The status board for the watch floor's big screen (2560×1440, 4K): every
 * line with its lamp, UTC and each party's local time, what waits on whom
 * by precedence, calls, the next check calls and the recent alarms, all as
 * the station computed them (GET /v1/board). It needs no interaction: it
 * reads the board again on every live event and ticks its clocks each second.
 */
export function Board() {
  const [board, setBoard] = useState<BoardView | null>(null);
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let pending: number | undefined;
    const load = () => get<BoardView>('/v1/board').then((b) => {
      setBoard(b);
      // The station's clock, not this screen's: the board shows the time the record is kept in.
      setOffset(b.now - Date.now());
    }).catch(() => undefined);
    void load();
    const off = events.on((e) => {
      if (e.type === 'delivery') return;
      window.clearTimeout(pending);
      pending = window.setTimeout(load, 250);
    });
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    // Deadlines and rings run out without an event: read again now and then.
    const again = window.setInterval(load, 15_000);
    return () => {
      off();
      window.clearTimeout(pending);
      window.clearInterval(tick);
      window.clearInterval(again);
    };
  }, []);
  const at = now + offset;
  return (
    <section class="board" aria-labelledby="board-title" data-testid="board">
      <header class="board-top">
        <h1 id="board-title">{t('board.title', { station: stationName.value })}</h1>
        <p class="board-clock" data-testid="board-utc"><span>UTC</span> {clock(at, 'UTC')}</p>
        {zone.value !== 'UTC' && <p class="board-clock"><span>{zone.value}</span> {clock(at, zone.value)}</p>}
        <a href="#/lines" class="board-exit">{t('board.exit')}</a>
      </header>
      {!board ? <p>{t('loading')}</p> : (
        <div class="board-body">
          <ul class="board-lines">
            {board.lines.map((l) => <LineTile key={l.line} l={l} now={at} />)}
          </ul>
          <aside class="board-alarms" aria-labelledby="board-alarms-title">
            <h2 id="board-alarms-title">{t('board.alarms')}</h2>
            {board.alarms.length === 0 ? <p class="board-none">{t('board.noAlarms')}</p> : (
              <ol>
                {board.alarms.map((a) => (
                  <li key={a.id} class={a.sounding ? 'sounding' : ''} data-board-alarm={a.kind}>
                    <time dateTime={new Date(a.raisedAt).toISOString()}>{clock(a.raisedAt, 'UTC')}Z</time>{' '}
                    {!SELF_NAMED.has(a.kind) && <strong>{t(`alarm.kind.${a.kind}`)} </strong>}{alarmText(a)}
                    {a.acknowledged && <small> · {t('board.acknowledgedBy', { by: a.acknowledged.by })}</small>}
                  </li>
                ))}
              </ol>
            )}
          </aside>
        </div>
      )}
    </section>
  );
}
