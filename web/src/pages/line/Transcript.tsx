import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { me, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { speaks, translates } from '../../../../src/wire/speaking.ts';
import type { LineView } from '../../../../src/wire/line.ts';
import { Compose } from './transcript/Compose.tsx';
import type { ItemContext } from './transcript/context.ts';
import { indexEntries, useTranscript } from './transcript/data.ts';
import { CheckItem, EventItem } from './transcript/EventItem.tsx';
import { awaitsUs, MessageItem } from './transcript/MessageItem.tsx';
import { flashTone } from './transcript/sound.ts';
import { domId, idOf, refOf, type MessageView, type RawItem } from './transcript/types.ts';
import { FinderBar, FinderResults, finding, noFinding, type Finding } from './transcript/Finder.tsx';
import { firstToAcknowledge, shortcutOf, shortcuts } from '../../app/shortcuts.ts';
import { get, lineUrl, put } from '../../api/client.ts';
import type { ReadMark } from '../../../../src/wire/transcript.ts';
import './transcript/transcript.css';

type Row = { type: 'item'; item: RawItem } | { type: 'tests'; items: RawItem[] };
const TEST_KINDS = new Set(['line.test', 'line.test.reply']);
/** How far the station's clock may be behind ours before the console stops asking it whether a deadline passed. */
const SKEW_MS = 10_000;

/**
 * Groups runs of line tests into one muted row unless the reader asked to see
 * each; leaves out exercise traffic (marked so by its author, and whatever
 * answers it) when the reader asked to hide it.
 */
function rowsOf(items: RawItem[], showTests: boolean, hideExercise: boolean): Row[] {
  const rows: Row[] = [];
  const exercise = new Set<string>();
  for (const item of items) {
    if (hideExercise) {
      const about = refOf(item.body, 'ref') ?? refOf(item.body, 'call') ?? refOf(item.body, 'notice');
      if (item.body?.exercise === true || (about && exercise.has(about))) {
        exercise.add(idOf(item));
        continue;
      }
    }
    if (!showTests && TEST_KINDS.has(item.kind)) {
      const last = rows[rows.length - 1];
      if (last?.type === 'tests') last.items.push(item);
      else rows.push({ type: 'tests', items: [item] });
    } else rows.push({ type: 'item', item });
  }
  return rows;
}

/**
 * The line's transcript in causal order: messages with their state,
 * precedence and translations, every other entry as one line, and the
 * form to write. Live: refetched on the line's events.
 */
export function Transcript({ line }: { line: LineView }) {
  const { data, error, refresh, earlier, loadingEarlier } = useTranscript(line.id);
  const [showTests, setShowTests] = useState(false);
  const [hideExercise, setHideExercise] = useState(false);
  const [find, setFind] = useState<Finding>(noFinding);
  /** An item to bring into view once the transcript holds it ("Show in transcript" from a search). */
  const revealing = useRef<{ id: string; tries: number } | null>(null);
  /** Where this member had read up to when the line opened: what comes after is marked unread while they are here. */
  const [readFrom, setReadFrom] = useState<number | null>(null);
  const readUpTo = useRef(0);
  const [help, setHelp] = useState(false);
  const [polite, setPolite] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const seen = useRef<Set<string> | null>(null);

  const role = me.value?.role ?? '';
  const canSpeak = speaks(role);
  const canTranslate = translates(role);
  const us = stationName.value;
  const parties = useMemo(() => line.parties.map((p) => p.name), [line]);
  const entries = useMemo(() => indexEntries(data?.items ?? []), [data]);
  // Message states are the station's (useTranscript reads one for every message in view).
  const views = data?.messages ?? new Map<string, MessageView>();

  // Each item's place in the whole transcript, for the unread mark.
  const positions = useMemo(() => new Map((data?.items ?? []).map((item, i) => [idOf(item), data!.start + i])), [data]);
  const ctx: ItemContext = {
    lineId: line.id, us, parties, canSpeak, canTranslate, zone: zone.value, entries,
    messages: views, checks: data?.checks ?? new Map(), refresh,
    announce: setPolite,
    unread: (id) => readFrom !== null && (positions.get(id) ?? -1) >= readFrom && !id.startsWith(`${us}:`),
  };

  useEffect(() => {
    get<ReadMark>(lineUrl(line.id, '/read')).then((m) => {
      readUpTo.current = m.upTo;
      setReadFrom(m.upTo);
    }, () => setReadFrom(null));
  }, [line.id]);

  // What is on screen at the bottom of the transcript, in a visible tab, for two seconds, is read: the station keeps the mark.
  useEffect(() => {
    if (!data || readFrom === null || data.total <= readUpTo.current) return;
    const timer = window.setTimeout(() => {
      if (document.visibilityState !== 'visible' || !atBottom.current || finding(find)) return;
      readUpTo.current = data.total;
      void put(lineUrl(line.id, '/read'), { upTo: data.total }).catch(() => undefined);
    }, 2000);
    return () => window.clearTimeout(timer);
  }, [data, readFrom, find]);

  // One key each, outside fields: a (acknowledge what waits longest, FLASH first), n (next unread), / (search), ? (the list).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutOf(e);
      if (!action) return;
      if (action === 'search') {
        e.preventDefault();
        document.getElementById('tr-search')?.focus();
      } else if (action === 'help') setHelp((h) => !h);
      else if (action === 'ack' && canSpeak) {
        const button = firstToAcknowledge(document.querySelector('.tr-list') ?? document);
        if (button) {
          e.preventDefault();
          button.click();
        }
      } else if (action === 'next') {
        const unread = [...document.querySelectorAll<HTMLElement>('.tr-unread')];
        const current = document.activeElement?.closest('.tr-item');
        const next = unread.find((el) => !current || (current.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) ?? unread[0];
        if (next) {
          e.preventDefault();
          next.scrollIntoView({ block: 'center' });
          next.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [canSpeak]);

  // When the next deadline passes, ask the station again: it says what is overdue or missed, without waiting for an event.
  // A deadline the station has not called yet (its clock a little behind ours) is asked about again each second, for a while.
  useEffect(() => {
    const now = Date.now();
    const pending = (at: number) => at > now - SKEW_MS;
    const next = Math.min(
      ...[...views.values()].filter((m) => m.status !== 'acknowledged' && m.status !== 'overdue' && m.ackBy !== null && pending(m.ackBy)).map((m) => m.ackBy!),
      ...[...(data?.checks.values() ?? [])].filter((c) => c.status === 'waiting' && pending(c.ackBy)).map((c) => c.ackBy),
    );
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(() => void refresh(), Math.min(Math.max(next - now + 50, 1000), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [data]);

  // New messages from another party: announced; a FLASH also sounds.
  useEffect(() => {
    if (!data) return;
    const incoming = [...views.values()].filter((m) => m.party !== us);
    if (seen.current === null) {
      seen.current = new Set(incoming.map((m) => m.id));
      return;
    }
    const fresh = incoming.filter((m) => !seen.current!.has(m.id));
    for (const m of fresh) seen.current.add(m.id);
    const flash = fresh.filter((m) => m.precedence === 'FLASH');
    if (flash.length > 0) {
      // The banner below (role="alert") says it; this makes it heard across the room.
      flashTone();
    } else if (fresh.length > 0) setPolite(t('line:live.message', { party: fresh[0].party, from: fresh[0].from, precedence: t(`precedence.${fresh[0].precedence}`) }));
  }, [views]);

  // Keep the newest entries in sight, unless the reader scrolled up; keep the place when earlier ones are added.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    } else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [data, showTests]);

  // The transcript takes the height the window leaves once the compose form is in view: on a 1366×768 laptop with a
  // FLASH banner up, the form must not fall below the fold (the page's other parts keep their own heights).
  useLayoutEffect(() => {
    const fit = () => {
      const el = scroller.current;
      if (!el) return;
      const form = el.closest('section')?.querySelector<HTMLElement>('[data-testid="compose"], .tr-readonly');
      const top = el.getBoundingClientRect().top + window.scrollY;
      const room = `${Math.max(200, window.innerHeight - top - (form?.offsetHeight ?? 0) - 24)}px`;
      if (el.style.maxHeight === room) return;
      el.style.maxHeight = room;
      // A new height must not lose the newest entries from sight.
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    };
    fit();
    window.addEventListener('resize', fit);
    // What comes and goes above the transcript outside it (the alarm bar, a replica's note) moves it too.
    const ro = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(fit);
    ro?.observe(document.body);
    return () => {
      window.removeEventListener('resize', fit);
      ro?.disconnect();
    };
  });

  // Text that reflows (another language, a wider window) keeps the newest entries in sight too.
  const hasList = (data?.items.length ?? 0) > 0;
  useEffect(() => {
    const el = scroller.current;
    if (!el || !list.current || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current && !anchor.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(list.current);
    return () => ro.disconnect();
  }, [hasList]);

  // Brings a found item into view: reading earlier pages until the transcript holds it (a bounded number of pages).
  useEffect(() => {
    const r = revealing.current;
    if (!r || !data || finding(find)) return;
    if (entries.has(r.id)) {
      revealing.current = null;
      const el = document.getElementById(domId(r.id));
      el?.scrollIntoView({ block: 'center' });
      el?.focus();
      return;
    }
    if (data.start === 0 || r.tries >= 50) {
      revealing.current = null;
      return;
    }
    r.tries++;
    void earlier();
  }, [data, find]);
  const reveal = (id: string) => {
    revealing.current = { id, tries: 0 };
    atBottom.current = false;
    setFind(noFinding);
  };

  const loadEarlier = () => {
    const el = scroller.current;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    void earlier();
  };

  if (!data) {
    return error ? <p role="alert" class="error">{t('error.generic', { message: error })}</p> : <p role="status">{t('loading')}</p>;
  }

  const rows = rowsOf(data.items, showTests, hideExercise);
  const flashWaiting = [...views.values()].filter((m) => m.precedence === 'FLASH' && awaitsUs(m, us));
  const shown = data.items.length;

  return (
    <section class="tr-view" aria-labelledby="tr-title" data-view="Transcript">
      <h2 id="tr-title">{t('line:title')}</h2>
      {flashWaiting.length > 0 && (
        <div class="tr-flash-banner" role="alert" data-testid="flash-banner">
          <strong>{t('line:flash.title', { count: flashWaiting.length })}</strong>
          <ul>
            {flashWaiting.map((m) => (
              <li key={m.id}>
                {t('line:flash.item', { party: m.party, from: m.from, time: formatTime(m.time, zone.value) })}{' '}
                {m.status === 'overdue' && <strong>{t('line:status.overdue')}</strong>}{' '}
                <button
                  type="button"
                  class="tr-banner-go"
                  onClick={() => {
                    const el = document.getElementById(domId(m.id));
                    el?.scrollIntoView({ block: 'center' });
                    el?.focus();
                  }}
                >
                  {t('line:flash.go')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {help && (
        <section class="tr-keys" aria-labelledby="tr-keys-h" data-testid="shortcuts">
          <h3 id="tr-keys-h">{t('line:keys.title')}</h3>
          <dl>
            {shortcuts.map((s) => <div key={s.key}><dt><kbd>{s.key}</kbd></dt><dd>{t(`line:keys.${s.action}`)}</dd></div>)}
            <div><dt><kbd>Ctrl</kbd>+<kbd>Enter</kbd></dt><dd>{t('line:keys.send')}</dd></div>
          </dl>
        </section>
      )}
      <div class="tr-toolbar">
        <FinderBar value={find} onChange={setFind} />
        <p class="tr-count">{data.start > 0 ? t('line:count.some', { shown, total: data.total }) : t('line:count.all', { count: data.total })}</p>
        <label class="tr-check-label">
          <input type="checkbox" checked={showTests} onChange={(e) => setShowTests(e.currentTarget.checked)} />
          {t('line:tests.show')}
        </label>
        <label class="tr-check-label">
          <input type="checkbox" checked={hideExercise} onChange={(e) => setHideExercise(e.currentTarget.checked)} data-testid="hide-exercise" />
          {t('exercise.hide')}
        </label>
        <button type="button" class="secondary tr-help-button" aria-expanded={help} onClick={() => setHelp((h) => !h)} data-testid="shortcuts-button" aria-label={t('line:keys.title')} title={t('line:keys.title')}><span aria-hidden="true">⌨ ?</span></button>
        {data.pending > 0 && <p class="tr-pending">{t('line:pending', { count: data.pending })}</p>}
        {error && <p role="alert" class="error">{t('line:refreshFailed', { message: error })}</p>}
      </div>
      {finding(find) ? (
        <div class="tr-scroll" role="region" aria-label={t('line:find.results')} tabIndex={0}>
          <FinderResults value={find} ctx={ctx} version={data} exercise={hideExercise} reveal={reveal} />
        </div>
      ) : (
      <div
        class="tr-scroll"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label={t('line:region')}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {data.start > 0 && (
          <p class="tr-earlier">
            <button type="button" class="secondary" onClick={loadEarlier} aria-disabled={loadingEarlier ? 'true' : undefined} data-action="earlier">
              {loadingEarlier ? t('loading') : t('line:earlier', { count: Math.min(200, data.start) })}
            </button>
          </p>
        )}
        {data.items.length === 0 ? (
          <p class="tr-empty">{t('line:empty')}</p>
        ) : (
          <ol class="tr-list" ref={list} aria-labelledby="tr-title">
            {rows.map((row) => {
              if (row.type === 'tests') {
                const first = row.items[0];
                const last = row.items[row.items.length - 1];
                return (
                  <li key={`tests-${idOf(first)}`} class="tr-item tr-event tr-muted tr-tests" data-id={idOf(last)} data-kind="line.test.run">
                    <time dateTime={new Date(last.time).toISOString()}>{formatTime(last.time, zone.value)}</time>
                    <span class="tr-event-text">
                      {row.items.length === 1
                        ? t('line:tests.one', { party: first.party })
                        : t('line:tests.run', { count: row.items.length, from: formatTime(first.time, zone.value), to: formatTime(last.time, zone.value, 'time') })}
                    </span>
                  </li>
                );
              }
              const item = row.item;
              const id = idOf(item);
              const view = item.kind === 'message' ? views.get(id) : undefined;
              if (view) return <MessageItem key={id} m={view} ctx={ctx} />;
              if (item.kind === 'check') return <CheckItem key={id} item={item} ctx={ctx} />;
              return <EventItem key={id} item={item} ctx={ctx} />;
            })}
          </ol>
        )}
      </div>
      )}
      <div class="tr-sr" aria-live="polite">{polite}</div>
      {canSpeak ? (
        <Compose lineId={line.id} templates={data.templates} onSent={refresh} />
      ) : (
        <p class="tr-readonly">{t('line:compose.readOnly', { role: t(`role.${role}`) })}</p>
      )}
    </section>
  );
}
