import { useEffect, useRef, useState } from 'preact/hooks';
import { get, lineUrl } from '../../../api/client.ts';
import { t } from '../../../app/t.ts';
import { precedences } from '../../../../../src/wire/precedence.ts';
import { searchKinds, type TranscriptSearch } from '../../../../../src/wire/transcript.ts';
import type { ItemContext } from './context.ts';
import { CheckItem, EventItem } from './EventItem.tsx';
import { MessageItem } from './MessageItem.tsx';
import { idOf } from './types.ts';

export interface Finding { q: string; waiting: boolean; precedence: string; kind: string }
export const noFinding: Finding = { q: '', waiting: false, precedence: '', kind: '' };
export const finding = (f: Finding) => f.q.trim() !== '' || f.waiting || f.precedence !== '' || f.kind !== '';

/** The search and filters above the transcript; `/` puts the cursor in the search field. */
export function FinderBar({ value, onChange }: { value: Finding; onChange: (f: Finding) => void }) {
  return (
    <div class="tr-finder" role="search" aria-label={t('line:find.label')}>
      <label>
        <span class="visually-hidden">{t('line:find.search')}</span>
        <input type="search" value={value.q} placeholder={t('line:find.placeholder')} maxLength={200} data-testid="transcript-search" id="tr-search"
          onInput={(e) => onChange({ ...value, q: e.currentTarget.value })} />
      </label>
      <label class="tr-check-label">
        <input type="checkbox" checked={value.waiting} onChange={(e) => onChange({ ...value, waiting: e.currentTarget.checked })} data-testid="filter-waiting" />
        {t('line:find.waiting')}
      </label>
      <label>
        <span class="visually-hidden">{t('line:find.precedence')}</span>
        <select value={value.precedence} onChange={(e) => onChange({ ...value, precedence: e.currentTarget.value })} data-testid="filter-precedence" aria-label={t('line:find.precedence')}>
          <option value="">{t('line:find.anyPrecedence')}</option>
          {precedences.map((p) => <option key={p} value={p}>{t(`precedence.${p}`)}</option>)}
        </select>
      </label>
      <label>
        <span class="visually-hidden">{t('line:find.kind')}</span>
        <select value={value.kind} onChange={(e) => onChange({ ...value, kind: e.currentTarget.value })} data-testid="filter-kind" aria-label={t('line:find.kind')}>
          <option value="">{t('line:find.anyKind')}</option>
          {searchKinds.map((k) => <option key={k} value={k}>{t(`line:find.kinds.${k}`)}</option>)}
        </select>
      </label>
      {finding(value) && <button type="button" class="secondary" onClick={() => onChange(noFinding)} data-testid="filter-clear">{t('line:find.clear')}</button>}
    </div>
  );
}

/**
 * What the station found on the line for the search and filters, newest
 * first, shown as the transcript shows items (a message with its state and
 * its Acknowledge button); "Show in transcript" goes to the item in place.
 */
export function FinderResults({ value, ctx, version, exercise, reveal }: { value: Finding; ctx: ItemContext; version: unknown; exercise: boolean; reveal: (id: string) => void }) {
  const [found, setFound] = useState<TranscriptSearch | null>(null);
  const [error, setError] = useState('');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    window.clearTimeout(timer.current);
    const params = new URLSearchParams();
    if (value.q.trim()) params.set('q', value.q.trim());
    if (value.waiting) params.set('waiting', 'us');
    if (value.precedence) params.set('precedence', value.precedence);
    if (value.kind) params.set('kind', value.kind);
    if (exercise) params.set('exercise', 'exclude');
    params.set('limit', '100');
    // Typing waits a moment; a live change of the line (version) asks again at once.
    timer.current = window.setTimeout(() => {
      get<TranscriptSearch>(lineUrl(ctx.lineId, `/search?${params}`)).then((r) => (setFound(r), setError('')), (e: Error) => setError(e.message));
    }, 250);
    return () => window.clearTimeout(timer.current);
  }, [value.q, value.waiting, value.precedence, value.kind, exercise, version]);
  if (error) return <p role="alert" class="error">{t('line:find.failed', { message: error })}</p>;
  if (!found) return <p role="status">{t('loading')}</p>;
  const messages = new Map(ctx.messages);
  for (const m of found.messages) messages.set(m.id, m);
  const entries = new Map(ctx.entries);
  for (const i of found.items) entries.set(idOf(i), i);
  const here: ItemContext = { ...ctx, messages, entries };
  return (
    <section class="tr-results" aria-labelledby="tr-results-h" data-testid="transcript-results">
      <h3 id="tr-results-h"><span role="status">{found.total > found.items.length ? t('line:find.someFound', { shown: found.items.length, total: found.total }) : t('line:find.found', { count: found.total })}</span></h3>
      <ol class="tr-list">
        {found.items.map((item) => {
          const id = idOf(item);
          const m = item.kind === 'message' ? messages.get(id) : undefined;
          return (
            <li key={id} class="tr-result" data-result={id}>
              <ol class="tr-list">
                {m ? <MessageItem m={m} ctx={here} /> : item.kind === 'check' ? <CheckItem item={item} ctx={here} /> : <EventItem item={item} ctx={here} />}
              </ol>
              <button type="button" class="secondary tr-reveal" onClick={() => reveal(id)}>{t('line:find.show')}</button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
