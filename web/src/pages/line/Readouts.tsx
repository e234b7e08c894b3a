import { useEffect, useState } from 'preact/hooks';
import { get, lineUrl, post, put } from '../../api/client.ts';
import { events, lang, me, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime, languageNames, languages, type Language } from '../../i18n/index.ts';
import { outcome, whoCalled } from '../../calls/describe.ts';
import { speaks } from '../../../../src/wire/speaking.ts';
import type { CallView, Draft, ReadoutVersion, ReadoutsView } from '../../calls/types.ts';
import '../../calls/calls.css';
import type { LineView } from '../../../../src/wire/line.ts';

const callUrl = (line: string, id: string, rest = '') => lineUrl(line, `/calls/${encodeURIComponent(id)}${rest}`);

/** Each party's account of a call, side by side; and ours to draft and publish. */
export function Readouts({ line }: { line: LineView }) {
  const [calls, setCalls] = useState<CallView[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => get<{ calls: CallView[] }>(lineUrl(line.id, '/calls')).then(
      (r) => {
        const spoken = r.calls.filter((c) => c.status === 'accepted' || c.status === 'ended');
        setCalls(spoken);
        setChosen((id) => (spoken.some((c) => c.id === id) ? id : spoken[0]?.id ?? ''));
        setError('');
      },
      (e) => setError((e as Error).message),
    );
    void load();
    return events.on((e) => {
      if ((e.type === 'call' && e.line === line.id) || e.type === 'resync') void load();
    });
  }, [line.id]);
  const call = calls?.find((c) => c.id === chosen);
  return (
    <div data-view="Readouts" class="readouts-view">
      <h2>{t('calls:readouts.title')}</h2>
      {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
      {!calls ? <p>{t('loading')}</p> : calls.length === 0 ? <p>{t('calls:readouts.noCalls')}</p> : (
        <div class="readout-pick">
          <label>
            {t('calls:readouts.call')}
            <select value={chosen} onChange={(e) => setChosen(e.currentTarget.value)} data-testid="readout-call">
              {calls.map((c) => {
                const who = whoCalled(c);
                return <option key={c.id} value={c.id}>{t('calls:readouts.option', { time: formatTime(c.time, zone.value), from: who.from, to: who.to, outcome: outcome(c) })}</option>;
              })}
            </select>
          </label>
        </div>
      )}
      {call && <OfCall key={call.id} line={line} call={call} />}
    </div>
  );
}

function OfCall({ line, call }: { line: LineView; call: CallView }) {
  const [view, setView] = useState<ReadoutsView | null>(null);
  const [error, setError] = useState('');
  const [text, setText] = useState('');
  const [textLang, setTextLang] = useState<string>(lang.value);
  const [isPublic, setPublic] = useState(false);
  const [saved, setSaved] = useState<Draft | null>(null);
  const [status, setStatus] = useState('');
  const [working, setWorking] = useState(false);
  const ours = stationName.value;
  const canWrite = speaks(me.value?.role) && (call.party === ours || call.toParty === ours);

  const loadReadouts = () => get<ReadoutsView>(callUrl(line.id, call.id, '/readouts')).then((r) => { setView(r); setError(''); }, (e) => setError((e as Error).message));
  useEffect(() => {
    void loadReadouts();
    if (canWrite) {
      get<{ draft: Draft | null }>(callUrl(line.id, call.id, '/readout/draft')).then(({ draft }) => {
        if (!draft) return;
        setText(draft.text);
        if (draft.lang) setTextLang(draft.lang);
        setSaved(draft);
      }, () => undefined);
    }
    return events.on((e) => {
      if ((e.type === 'readout' && e.line === line.id && e.call === call.id) || e.type === 'resync') void loadReadouts();
    });
  }, [line.id, call.id]);

  const save = async () => {
    setWorking(true);
    setStatus('');
    try {
      const { draft } = await put<{ draft: Draft }>(callUrl(line.id, call.id, '/readout/draft'), { text, lang: textLang });
      setSaved(draft);
      setStatus(t('calls:readouts.saved', { time: formatTime(draft.updatedAt, zone.value, 'time'), by: draft.updatedBy }));
    } catch (e) {
      setStatus(t('calls:problem.generic', { message: (e as Error).message }));
    } finally {
      setWorking(false);
    }
  };
  const [confirming, setConfirming] = useState(false);
  const publish = async (e: Event) => {
    e.preventDefault();
    // A published readout is signed into the line's record for good, and a public one is for anyone to read: ask first.
    if (!confirming) return setConfirming(true);
    setConfirming(false);
    setWorking(true);
    setStatus('');
    try {
      await post(callUrl(line.id, call.id, '/readout/publish'), { public: isPublic && !line.discreet, text, lang: textLang });
      setText('');
      setSaved(null);
      setPublic(false);
      setStatus(t('calls:readouts.published'));
      await loadReadouts();
    } catch (err) {
      setStatus(t('calls:problem.generic', { message: (err as Error).message }));
    } finally {
      setWorking(false);
    }
  };

  const parties = view ? [...new Set([call.party, call.toParty, ...Object.keys(view.readouts)])] : [];
  return (
    <>
      {canWrite && (
        <form class="readout-draft" onSubmit={publish} data-testid="readout-draft">
          <h3>{t('calls:readouts.ours', { party: ours })}</h3>
          <label>
            {t('calls:readouts.text')}
            <textarea value={text} maxLength={32000} onInput={(e) => setText(e.currentTarget.value)} data-testid="readout-text" />
          </label>
          <div class="row">
            <label>
              {t('calls:readouts.lang')}
              <select value={textLang} onChange={(e) => setTextLang(e.currentTarget.value)}>
                {(languages.includes(textLang as Language) ? languages : [textLang, ...languages]).map((l) => <option key={l} value={l}>{languageNames[l as Language] ?? l}</option>)}
              </select>
            </label>
            <label class="check">
              <input type="checkbox" checked={isPublic && !line.discreet} disabled={line.discreet} onChange={(e) => setPublic(e.currentTarget.checked)} aria-describedby={line.discreet ? 'readout-discreet' : undefined} data-testid="readout-public" />
              {t('calls:readouts.public')}
            </label>
            {line.discreet && <span id="readout-discreet" class="call-muted-text">{t('calls:readouts.discreet')}</span>}
          </div>
          <div class="row">
            <button type="button" class="secondary" disabled={working || !text.trim()} onClick={() => void save()} data-testid="readout-save">{t('calls:readouts.save')}</button>
            <button type="submit" disabled={working || !text.trim()} data-testid="readout-publish">{t('calls:readouts.publish')}</button>
            {saved && !status && <span class="call-muted-text">{t('calls:readouts.draftFrom', { time: formatTime(saved.updatedAt, zone.value), by: saved.updatedBy })}</span>}
            <span role="status" data-testid="readout-status">{status}</span>
          </div>
          {confirming && (
            <div class="readout-confirm" role="alertdialog" aria-labelledby="readout-confirm-text" data-testid="readout-confirm">
              <p id="readout-confirm-text">
                <strong>{t('calls:readouts.confirmTitle')}</strong> {t('calls:readouts.confirmRecord')}
                {isPublic && !line.discreet && <> <strong>{t('calls:readouts.confirmPublic')}</strong></>}
              </p>
              <button type="submit" data-testid="readout-confirm-publish">{t('calls:readouts.confirmYes')}</button>{' '}
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>{t('calls:readouts.confirmNo')}</button>
            </div>
          )}
          <p class="call-muted-text">{t('calls:readouts.draftNote')}</p>
        </form>
      )}
      {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
      {view && (
        <div class="readout-columns" data-testid="readout-columns">
          {parties.map((p) => <Column key={p} party={p} versions={view.readouts[p] ?? []} />)}
        </div>
      )}
    </>
  );
}

function Column({ party, versions }: { party: string; versions: ReadoutVersion[] }) {
  const newest = [...versions].reverse();
  const [latest, ...older] = newest;
  const id = `readout-party-${party.replace(/\W/g, '_')}`;
  return (
    <section class="readout-column" aria-labelledby={id} data-party={party}>
      <h3 id={id}>{party}</h3>
      {!latest ? <p class="call-muted-text">{t('calls:readouts.none')}</p> : <Version v={latest} />}
      {older.length > 0 && (
        <details>
          <summary>{t('calls:readouts.older', { count: older.length })}</summary>
          {older.map((v) => <Version key={v.id} v={v} />)}
        </details>
      )}
    </section>
  );
}

function Version({ v }: { v: ReadoutVersion }) {
  return (
    <article class="readout-version" data-version={v.version}>
      <p class="readout-meta">
        {t('calls:readouts.version', { version: v.version, time: formatTime(v.time, zone.value), by: v.by })}
        {v.lang && <> · {languageNames[v.lang as Language] ?? v.lang}</>}
        {v.public && <span class="readout-public">{t('calls:readouts.publicBadge')}</span>}
      </p>
      <p class="readout-text" lang={v.lang ?? undefined}>{v.text}</p>
    </article>
  );
}
