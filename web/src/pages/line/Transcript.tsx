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

  const ctx: ItemContext = {
    lineId: line.id, us, parties, canSpeak, canTranslate, zone: zone.value, entries,
    messages: views, checks: data?.checks ?? new Map(), refresh,
    announce: setPolite,
  };

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
      <div class="tr-toolbar">
        <p class="tr-count">{data.start > 0 ? t('line:count.some', { shown, total: data.total }) : t('line:count.all', { count: data.total })}</p>
        <label class="tr-check-label">
          <input type="checkbox" checked={showTests} onChange={(e) => setShowTests(e.currentTarget.checked)} />
          {t('line:tests.show')}
        </label>
        <label class="tr-check-label">
          <input type="checkbox" checked={hideExercise} onChange={(e) => setHideExercise(e.currentTarget.checked)} data-testid="hide-exercise" />
          {t('exercise.hide')}
        </label>
        {data.pending > 0 && <p class="tr-pending">{t('line:pending', { count: data.pending })}</p>}
        {error && <p role="alert" class="error">{t('line:refreshFailed', { message: error })}</p>}
      </div>
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
      <div class="tr-sr" aria-live="polite">{polite}</div>
      {canSpeak ? (
        <Compose lineId={line.id} templates={data.templates} onSent={refresh} />
      ) : (
        <p class="tr-readonly">{t('line:compose.readOnly', { role: t(`role.${role}`) })}</p>
      )}
    </section>
  );
}
