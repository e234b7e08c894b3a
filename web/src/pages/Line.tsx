import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl } from '../api/client.ts';
import { href, tabs, type Tab } from '../app/route.ts';
import { t } from '../app/t.ts';
import { Transcript } from './line/Transcript.tsx';
import { Calls } from './line/Calls.tsx';
import { Readouts } from './line/Readouts.tsx';
import { Notices } from './line/Notices.tsx';
import { History } from './line/History.tsx';
import { Audit } from './line/Audit.tsx';
import type { LineView } from '../../../src/wire/line.ts';
import { lineName, partyName } from '../app/names.ts';


const views: Record<Tab, (p: { line: LineView }) => preact.JSX.Element> = { transcript: Transcript, calls: Calls, readouts: Readouts, notices: Notices, history: History, audit: Audit };

/** One line: its tabs, each a view of the same line. */
export function Line({ id, tab }: { id: string; tab: Tab }) {
  const [line, setLine] = useState<LineView | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setLine(null);
    get<LineView>(lineUrl(id)).then(setLine, (e) => setError((e as Error).message));
  }, [id]);
  if (error) return <p role="alert" class="error">{t('error.generic', { message: error })}</p>;
  if (!line) return <p>{t('loading')}</p>;
  const View = views[tab];
  return (
    <section aria-labelledby="line-title" class="line">
      <h1 id="line-title">{lineName(line.id, line.title)} <small>{line.parties.map((p) => partyName(p.name)).join(' · ')}</small></h1>
      <nav aria-label={line.title} class="tabs">
        {tabs.map((x) => (
          <a key={x} href={href({ page: 'line', line: id, tab: x })} aria-current={x === tab ? 'page' : undefined} data-tab={x}>{t(`tab.${x}`)}</a>
        ))}
      </nav>
      <View line={line} />
    </section>
  );
}
