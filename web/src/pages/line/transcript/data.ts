import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get, lineUrl } from '../../../api/client.ts';
import { events } from '../../../app/session.ts';
import { idOf, type CheckView, type MessageView, type RawItem, type Template, type TranscriptPage } from './types.ts';

/** How many entries a first look (and each "load earlier") brings. */
export const PAGE = 200;
const CHUNK = 1000; // the API's largest page
/** How many single messages are asked for at once when the list did not reach them. */
const PARALLEL = 8;
const LIVE_TYPES = ['entry', 'message', 'delivery', 'check', 'deadline'];

export interface TranscriptData {
  /** Index in the whole transcript of items[0]. */
  start: number;
  total: number;
  pending: number;
  items: RawItem[];
  messages: Map<string, MessageView>;
  checks: Map<string, CheckView>;
  templates: Template[];
}

/** Entries [start, end) of the transcript (to its end when `end` is absent), a page of at most 1000 at a time. */
async function range(line: string, start: number, end?: number): Promise<{ items: RawItem[]; total: number; pending: number }> {
  const items: RawItem[] = [];
  let total = 0;
  let pending = 0;
  let at = start;
  for (;;) {
    const limit = end === undefined ? CHUNK : Math.min(CHUNK, end - at);
    if (limit <= 0) break;
    const page = await get<TranscriptPage>(lineUrl(line, `/transcript?start=${at}&limit=${limit}`));
    total = page.total;
    pending = page.pending;
    items.push(...page.items);
    at += page.items.length;
    if (page.items.length < limit || page.next === null) break;
  }
  return { items, total, pending };
}

/** The station's view of each of these messages, a few requests at a time. */
async function messagesById(line: string, ids: string[]): Promise<MessageView[]> {
  const out: MessageView[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL) {
    out.push(...await Promise.all(ids.slice(i, i + PARALLEL).map((id) => get<MessageView>(lineUrl(line, `/messages/${encodeURIComponent(id)}`)))));
  }
  return out;
}

/**
 * The tail of a line's transcript with the state of its messages and check
 * calls, kept current from the live event stream. Only the last PAGE
 * entries are read at first; `earlier()` reaches further back.
 */
export function useTranscript(lineId: string) {
  const [data, setData] = useState<TranscriptData | null>(null);
  const [error, setError] = useState('');
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const start = useRef<number | null>(null);
  const known = useRef({ total: 0, templates: [] as Template[], needTemplates: true });
  const running = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const alive = useRef(true);

  const fetchOnce = async () => {
    const first = start.current === null;
    // A first look reads the length and the tail in one go with everything else: no round trip waits on another.
    const tail = first
      ? get<TranscriptPage>(lineUrl(lineId, '/transcript?start=0&limit=1')).then((probe) => {
          start.current ??= Math.max(0, probe.total - PAGE);
          return start.current;
        })
      : Promise.resolve(start.current!);
    const wanted = first ? PAGE + 50 : Math.min(1000, Math.max(PAGE, known.current.total - start.current! + 50));
    const needTemplates = known.current.needTemplates;
    known.current.needTemplates = false;
    const [[from, tr], msgs, checks, templates] = await Promise.all([
      tail.then(async (from) => [from, await range(lineId, from)] as const),
      get<{ messages: MessageView[] }>(lineUrl(lineId, `/messages?limit=${wanted}`)),
      get<{ checks: CheckView[] }>(lineUrl(lineId, '/checks')),
      needTemplates ? get<{ templates: Template[] }>(lineUrl(lineId, '/templates')).then((r) => r.templates) : Promise.resolve(known.current.templates),
    ]).catch((e) => {
      if (needTemplates) known.current.needTemplates = true;
      throw e;
    });
    // Every message in view shows the station's state of it. The newest-first
    // list reaches most; a window wider than it (earlier entries loaded), or a
    // message sent between the two reads, is asked for one by one.
    const messages = new Map(msgs.messages.map((m) => [m.id, m]));
    const unlisted = tr.items.filter((x) => x.kind === 'message' && !messages.has(idOf(x))).map(idOf);
    for (const m of await messagesById(lineId, unlisted)) messages.set(m.id, m);
    known.current.total = tr.total;
    known.current.templates = templates;
    if (!alive.current) return;
    setData({
      start: from,
      total: tr.total,
      pending: tr.pending,
      items: tr.items,
      messages,
      checks: new Map(checks.checks.map((c) => [c.id, c])),
      templates,
    });
    setError('');
  };

  /** Refetches; calls made while one runs are folded into one more run after it. */
  const refresh = useCallback((): Promise<void> => {
    if (running.current) {
      again.current = true;
      return running.current;
    }
    const run = (async () => {
      try {
        do {
          again.current = false;
          try {
            await fetchOnce();
          } catch (e) {
            if (alive.current) setError((e as Error).message);
          }
        } while (again.current && alive.current);
      } finally {
        running.current = null;
      }
    })();
    running.current = run;
    return run;
  }, [lineId]);

  const earlier = useCallback(async () => {
    if (start.current === null || start.current === 0) return;
    start.current = Math.max(0, start.current - PAGE);
    setLoadingEarlier(true);
    try {
      // A refresh under way runs once more, from the new start, before this settles.
      await refresh();
    } finally {
      if (alive.current) setLoadingEarlier(false);
    }
  }, [refresh]);

  useEffect(() => {
    alive.current = true;
    start.current = null;
    known.current = { total: 0, templates: [], needTemplates: true };
    setData(null);
    void refresh();
    let timer: number | undefined;
    const off = events.on((e) => {
      const ours = e.line === lineId && LIVE_TYPES.includes(e.type);
      if (!ours && e.type !== 'resync') return;
      if (e.type === 'resync' || (e.type === 'entry' && e.entry?.kind === 'template')) known.current.needTemplates = true;
      // At most one refetch per 200 ms, however busy the line.
      if (timer === undefined) timer = window.setTimeout(() => {
        timer = undefined;
        void refresh();
      }, 200);
    });
    return () => {
      alive.current = false;
      off();
      clearTimeout(timer);
    };
  }, [lineId]);

  return { data, error, refresh, earlier, loadingEarlier };
}

/** The entries in view by "Party:seq", to name what an entry refers to. */
export function indexEntries(items: RawItem[]): Map<string, RawItem> {
  return new Map(items.map((x) => [idOf(x), x]));
}
