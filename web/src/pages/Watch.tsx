import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl, post, put } from '../api/client.ts';
import { events, me, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { formatTime } from '../i18n/index.ts';
import { presenceStatuses, type PresenceList, type WatchView } from '../../../src/wire/presence.ts';
import type { Board } from '../../../src/wire/board.ts';

const keeps = (role: string | undefined) => role === 'principal' || role === 'duty_officer';

/** What is open across the lines, in words, for a handover note: the station's board says what waits on whom. */
function openItems(board: Board): string {
  const lines: string[] = [];
  for (const l of board.lines) {
    const parts: string[] = [];
    if (l.waitingForUs.length) parts.push(t('watch:note.forUs', { items: l.waitingForUs.map((w) => `${t(`precedence.${w.precedence}`)} ${w.count}${w.overdue ? ` (${t('watch:note.overdue', { count: w.overdue })})` : ''}`).join(', ') }));
    if (l.waitingForThem.length) parts.push(t('watch:note.forThem', { items: l.waitingForThem.map((w) => `${t(`precedence.${w.precedence}`)} ${w.count} (${w.parties.join(', ')})`).join(', ') }));
    if (l.checksWaitingForUs) parts.push(t('watch:note.checks', { count: l.checksWaitingForUs }));
    if (l.missedCalls) parts.push(t('watch:note.missed', { count: l.missedCalls }));
    if (parts.length) lines.push(`${l.title}: ${parts.join('; ')}`);
  }
  return lines.length ? lines.join('\n') : t('watch:note.nothing');
}

/**
 * Who is at the terminal and who holds the watch: each keeper's presence
 * (one's own set here), the handover with a note of what is open, and the
 * record of who held the watch when.
 */
export function Watch() {
  const [presence, setPresence] = useState<PresenceList | null>(null);
  const [watch, setWatch] = useState<WatchView | null>(null);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [rosters, setRosters] = useState<Array<{ id: string; title: string; members: string[] }>>([]);
  const mine = presence?.members.find((m) => m.name === me.value?.name);
  const load = async () => {
    try {
      const [p, w] = await Promise.all([get<PresenceList>('/v1/presence'), get<WatchView>('/v1/watch')]);
      setPresence(p);
      setWatch(w);
      const { lines } = await get<{ lines: Array<{ id: string; title: string }> }>('/v1/lines');
      setRosters(await Promise.all(lines.map(async (l) => ({ id: l.id, title: l.title, members: (await get<{ members: string[] }>(lineUrl(l.id, '/roster')).catch(() => ({ members: [] }))).members }))));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    return events.on((e) => (e.type === 'resync' ? void load() : undefined));
  }, []);
  const setMine = async (s: string, delegate: string | null) => {
    setError('');
    try {
      await put('/v1/me/presence', { status: s, delegate });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const prepare = async () => void get<Board>('/v1/board').then((b) => setNote(openItems(b)), () => undefined);
  const handOver = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      setWatch(await post<WatchView>('/v1/watch/handover', { to: to || me.value?.name, note }));
      setStatus(t('watch:handedOver', { name: to || me.value?.name }));
      setNote('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const keepers = presence?.members ?? [];
  const holder = watch?.holder ?? null;
  const mayHand = me.value?.role === 'admin' || (keeps(me.value?.role) && (!holder || holder.name === me.value?.name));
  return (
    <section class="watch" aria-labelledby="watch-title" data-testid="watch">
      <h1 id="watch-title">{t('watch:title')}</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <section aria-labelledby="watch-holder-h">
        <h2 id="watch-holder-h">{t('watch:holder.title')}</h2>
        <p data-testid="watch-holder">{holder ? t('watch:holder.is', { name: holder.name, since: formatTime(holder.from, zone.value) }) : t('watch:holder.nobody')}</p>
        {mayHand && (
          <form onSubmit={handOver} class="watch-handover" data-testid="handover-form">
            <label>{t('watch:handover.to')}
              <select value={to} onChange={(e) => setTo(e.currentTarget.value)} data-testid="handover-to">
                {!holder && keeps(me.value?.role) && <option value="">{t('watch:handover.me')}</option>}
                {holder && <option value="">{t('watch:handover.choose')}</option>}
                {keepers.filter((k) => k.name !== holder?.name).map((k) => <option key={k.name} value={k.name}>{k.name} ({t(`role.${k.role}`)})</option>)}
              </select>
            </label>
            <label class="wide">{t('watch:handover.note')}
              <textarea rows={4} value={note} maxLength={4000} onInput={(e) => setNote(e.currentTarget.value)} data-testid="handover-note" />
            </label>
            <div class="row">
              <button type="button" class="secondary" onClick={() => void prepare()} data-testid="handover-open">{t('watch:handover.whatIsOpen')}</button>
              <button type="submit" disabled={!!holder && !to} data-testid="handover-submit">{holder ? t('watch:handover.submit') : t('watch:handover.take')}</button>
              <span role="status">{status}</span>
            </div>
          </form>
        )}
      </section>
      {mine && (
        <section aria-labelledby="watch-me-h">
          <h2 id="watch-me-h">{t('watch:me.title')}</h2>
          <div class="row" role="group" aria-labelledby="watch-me-h">
            {presenceStatuses.map((s) => (
              <label key={s} class="inline"><input type="radio" name="presence" value={s} checked={mine.status === s} onChange={() => void setMine(s, mine.delegate)} data-presence={s} /> {t(`watch:status.${s}`)}</label>
            ))}
            <label>{t('watch:me.delegate')}
              <select value={mine.delegate ?? ''} onChange={(e) => void setMine(mine.status ?? 'terminal', e.currentTarget.value || null)} data-testid="presence-delegate">
                <option value="">{t('watch:me.nobody')}</option>
                {keepers.filter((k) => k.name !== mine.name).map((k) => <option key={k.name} value={k.name}>{k.name}</option>)}
              </select>
            </label>
          </div>
        </section>
      )}
      <section aria-labelledby="watch-people-h">
        <h2 id="watch-people-h">{t('watch:people.title')}</h2>
        <table data-testid="presence-table">
          <thead><tr><th scope="col">{t('watch:people.name')}</th><th scope="col">{t('watch:people.status')}</th><th scope="col">{t('watch:people.delegate')}</th><th scope="col">{t('watch:people.since')}</th></tr></thead>
          <tbody>
            {keepers.map((k) => (
              <tr key={k.name} data-person={k.name} data-status={k.status ?? 'unknown'}>
                <td>{k.name} ({t(`role.${k.role}`)}){holder?.name === k.name && <strong> · {t('watch:people.onWatch')}</strong>}</td>
                <td>{k.status ? t(`watch:status.${k.status}`) : t('watch:status.unknown')}</td>
                <td>{k.delegate ?? '—'}</td>
                <td>{formatTime(k.at, zone.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="watch-rosters-h">
        <h2 id="watch-rosters-h">{t('watch:rosters.title')}</h2>
        <p class="muted">{t('watch:rosters.intro')}</p>
        <ul data-testid="watch-rosters">
          {rosters.map((r) => (
            <li key={r.id} data-roster={r.id}>
              <strong>{r.title}</strong>:{' '}
              {r.members.length === 0 ? t('watch:rosters.none') : r.members.map((name) => {
                const k = keepers.find((x) => x.name === name);
                return `${name} (${k?.status ? t(`watch:status.${k.status}`) : t('watch:status.unknown')}${k?.delegate ? `, ${t('watch:shared.delegate', { name: k.delegate })}` : ''})`;
              }).join(' → ')}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="watch-turns-h">
        <h2 id="watch-turns-h">{t('watch:turns.title')}</h2>
        {!watch || watch.turns.length === 0 ? <p>{t('watch:turns.none')}</p> : (
          <table data-testid="watch-turns">
            <thead><tr><th scope="col">{t('watch:turns.name')}</th><th scope="col">{t('watch:turns.from')}</th><th scope="col">{t('watch:turns.to')}</th><th scope="col">{t('watch:turns.note')}</th></tr></thead>
            <tbody>
              {watch.turns.map((w) => (
                <tr key={`${w.name}-${w.from}`}>
                  <td>{w.name}{w.handedBy && w.handedBy !== w.name ? <small> ({t('watch:turns.handedBy', { name: w.handedBy })})</small> : null}</td>
                  <td>{formatTime(w.from, zone.value)}</td>
                  <td>{w.to === null ? t('watch:turns.now') : formatTime(w.to, zone.value)}</td>
                  <td class="watch-note">{w.note || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
