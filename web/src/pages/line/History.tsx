import { useEffect, useRef, useState } from 'preact/hooks';
import { get, lineUrl } from '../../api/client.ts';
import { events, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatDuration, formatTime } from '../../i18n/index.ts';
import { downloadWithToken } from '../../audit/download.ts';
import { CallTimeline, ChartDefs, StatusLegend, describeCall } from '../../charts/CallTimeline.tsx';
import { UptimeChart, UptimeLegend, segments, type LinkEvent, type PeerUptime } from '../../charts/UptimeChart.tsx';
import { DAY, HOUR } from '../../charts/scale.ts';
import type { LineView } from '../../../../src/wire/line.ts';
import { precedences } from '../../../../src/wire/precedence.ts';
import type { ContactHistory } from '../../../../src/wire/history.ts';
import type { LinkHistory, LinkList, LinkProtectionView } from '../../../../src/wire/link.ts';
import '../../charts/history.css';
import { ExerciseMark } from '../../components/ExerciseMark.tsx';

type Period = '7d' | '30d' | 'all';
const periods: Period[] = ['7d', '30d', 'all'];

function periodStart(p: Period, now: number): number | undefined {
  return p === '7d' ? now - 7 * DAY : p === '30d' ? now - 30 * DAY : undefined;
}

export function History({ line }: { line: LineView }) {
  const [period, setPeriod] = useState<Period>('30d');
  const [data, setData] = useState<{ history: ContactHistory; now: number } | null>(null);
  const [uptime, setUptime] = useState<{ peers: PeerUptime[]; now: number } | null>(null);
  // What protects each link now (GET /v1/links): TLS, the hybrid key exchange, the seal.
  const [protections, setProtections] = useState<Record<string, LinkProtectionView | null> | null>(null);
  const [error, setError] = useState('');
  const [download, setDownload] = useState<{ busy: boolean; error: string; done: string }>({ busy: false, error: '', done: '' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const others = line.parties.map((p) => p.name).filter((p) => p !== stationName.value);

  const load = async () => {
    const now = Date.now();
    const from = periodStart(period, now);
    try {
      const history = await get<ContactHistory>(lineUrl(line.id, `/history${from === undefined ? '' : `?from=${from}`}`));
      setData({ history, now });
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const loadUptime = async () => {
    const now = Date.now();
    try {
      const { links } = await get<LinkList>('/v1/links');
      setProtections(Object.fromEntries(others.map((peer) => [peer, links.find((l) => l.peer === peer)?.protection ?? null])));
      const peers = await Promise.all(others.map(async (peer): Promise<PeerUptime> => {
        const view = links.find((l) => l.peer === peer);
        // A week of changes, so the status at the start of the last 24 hours is known.
        const events = await get<LinkHistory>(`/v1/links/${encodeURIComponent(peer)}/history?hours=168`).then((r) => r.events, () => [] as LinkEvent[]);
        return { peer, status: view?.status ?? 'unknown', since: view?.since ?? null, uptime24h: view?.uptime24h ?? null, recorded24h: view?.recorded24h ?? 0, events };
      }));
      setUptime({ peers, now });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    void load();
  }, [line.id, period]);
  useEffect(() => {
    void loadUptime();
    const every = setInterval(() => void loadUptime(), 60_000);
    return () => clearInterval(every);
  }, [line.id]);
  useEffect(() => events.on((e) => {
    const relevant = e.type === 'resync' || (e.line === line.id && (e.type === 'call' || e.type === 'check' || e.type === 'message')) || e.type === 'link';
    if (!relevant) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void load();
      if (e.type === 'link' || e.type === 'resync') void loadUptime();
    }, 400);
  }), [line.id, period]);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function exportCsv() {
    setDownload({ busy: true, error: '', done: '' });
    const from = periodStart(period, Date.now());
    const name = `${line.id}-history.csv`;
    try {
      await downloadWithToken(lineUrl(line.id, `/history?format=csv${from === undefined ? '' : `&from=${from}`}`), name);
      setDownload({ busy: false, error: '', done: t('history:export.done', { file: name }) });
    } catch (e) {
      setDownload({ busy: false, error: (e as Error).message, done: '' });
    }
  }

  const z = zone.value;
  const h = data?.history;
  return (
    <div data-view="History" class="history">
      <ChartDefs />
      <div class="history-controls">
        <fieldset class="period">
          <legend>{t('history:period.title')}</legend>
          {periods.map((p) => (
            <label key={p} class="inline">
              <input type="radio" name="history-period" value={p} checked={period === p} onChange={() => setPeriod(p)} /> {t(`history:period.${p}`)}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="button" onClick={exportCsv} disabled={download.busy} data-action="export-csv">{t('history:export.csv')}</button>
          <p role="status" class="muted">{download.done}</p>
          {download.error && <p role="alert" class="error">{t('error.generic', { message: download.error })}</p>}
        </div>
      </div>
      {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
      {!h ? <p>{t('loading')}</p> : (
        <>
          <section aria-labelledby="history-summary-title">
            <h2 id="history-summary-title">{t('history:summary.title')}</h2>
            <div class="history-cards">
            <div class="card" data-testid="call-counts">
              <h3>{t('history:summary.calls')}</h3>
              <dl>
                <dt>{t('history:count.attempts')}</dt><dd>{h.calls.attempts}</dd>
                <dt>{t('history:count.accepted')}</dt><dd>{h.calls.accepted}</dd>
                <dt>{t('history:count.declined')}</dt><dd>{h.calls.declined}</dd>
                <dt>{t('history:count.unanswered')}</dt><dd>{h.calls.unanswered}</dd>
                <dt>{t('history:count.cancelled')}</dt><dd>{h.calls.cancelled}</dd>
                <dt>{t('history:count.lastSpoke')}</dt><dd>{formatTime(h.calls.lastSpoke, z)}</dd>
              </dl>
              {(h.exercise.messages + h.exercise.calls + h.exercise.notices) > 0 && (
                <p class="is-exercise" data-testid="exercise-counts"><ExerciseMark /> {t('exercise.count', h.exercise)}</p>
              )}
            </div>
            <div class="card">
              <h3>{t('history:summary.ack')}</h3>
              <table>
                <thead><tr><th scope="col">{t('history:ack.precedence')}</th><th scope="col">{t('history:ack.median')}</th><th scope="col">{t('history:ack.count')}</th></tr></thead>
                <tbody>
                  {precedences.map((p) => (
                    <tr key={p}>
                      <th scope="row"><span class={`precedence precedence-${p}`}>{t(`precedence.${p}`)}</span></th>
                      <td>{formatDuration(h.ackMedianMs[p]?.medianMs ?? null)}</td>
                      <td>{h.ackMedianMs[p]?.count ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="card">
              <h3>{t('history:summary.checks')}</h3>
              <dl>
                <dt>{t('history:checks.sent')}</dt><dd>{h.checks.sent}</dd>
                <dt>{t('history:checks.answered')}</dt><dd>{h.checks.answered}</dd>
                <dt>{t('history:checks.late')}</dt><dd>{h.checks.late}</dd>
                <dt>{t('history:checks.missed')}</dt><dd class={h.checks.missed > 0 ? 'overdue' : undefined}>{h.checks.missed}</dd>
                <dt>{t('history:checks.missedWhileLinkUp')}</dt><dd>{h.checks.missedWhileLinkUp}</dd>
                <dt>{t('history:checks.missedWhileLinkDown')}</dt><dd>{h.checks.missedWhileLinkDown}</dd>
              </dl>
            </div>
            </div>
          </section>

          <section aria-labelledby="history-pairs-title">
            <h2 id="history-pairs-title">{t('history:pairs.title')}</h2>
            {h.pairs.length === 0 ? <p>{t('history:pairs.none')}</p> : (
                // A narrow window scrolls the table, not the page: a region one can reach by keyboard to scroll it.
                <div class="table-scroll" role="region" tabIndex={0} aria-labelledby="history-pairs-title">
                <table class="pairs">
                  <thead>
                    <tr>
                      <th scope="col">{t('history:pairs.caller')}</th>
                      <th scope="col">{t('history:pairs.callee')}</th>
                      <th scope="col">{t('history:count.attempts')}</th>
                      <th scope="col">{t('history:count.accepted')}</th>
                      <th scope="col">{t('history:count.declined')}</th>
                      <th scope="col">{t('history:count.unanswered')}</th>
                      <th scope="col">{t('history:count.cancelled')}</th>
                      <th scope="col">{t('history:count.lastSpoke')}</th>
                      <th scope="col">{t('history:pairs.talk')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.pairs.map((p) => (
                      <tr key={`${p.caller.party}/${p.caller.name}/${p.callee.party}/${p.callee.name}`}>
                        <td>{p.caller.name} ({p.caller.party})</td>
                        <td>{p.callee.name ?? t('history:anyone')} ({p.callee.party})</td>
                        <td>{p.attempts}</td>
                        <td>{p.accepted}</td>
                        <td>{p.declined}</td>
                        <td>{p.unanswered}</td>
                        <td>{p.cancelled}</td>
                        <td>{formatTime(p.lastSpoke, z)}</td>
                        <td>{formatDuration(p.talkMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </div>
            )}
          </section>

          <section aria-labelledby="history-timeline-title">
            <h2 id="history-timeline-title">{t('history:timeline.title')}</h2>
            <Timeline history={h} now={data!.now} period={period} parties={line.parties.map((p) => p.name)} />
          </section>
        </>
      )}

      <section aria-labelledby="history-uptime-title">
        <h2 id="history-uptime-title">{t('history:uptime.title')}</h2>
        {!uptime ? <p>{t('loading')}</p> : uptime.peers.length === 0 ? <p>{t('history:uptime.none')}</p> : (
          <>
            <UptimeChart peers={uptime.peers} now={uptime.now} />
            <UptimeLegend />
            <details>
              <summary>{t('history:uptime.asTable')}</summary>
              <table>
                <thead><tr><th scope="col">{t('history:uptime.peerCol')}</th><th scope="col">{t('history:uptime.status')}</th><th scope="col">{t('history:uptime.from')}</th><th scope="col">{t('history:uptime.to')}</th></tr></thead>
                <tbody>
                  {uptime.peers.flatMap((p) => segments(p, uptime.now - 24 * HOUR, uptime.now).map((s) => (
                    <tr key={`${p.peer}-${s.start}`}>
                      <td>{p.peer}</td>
                      <td>{t(`history:link.${s.status}`)}</td>
                      <td>{formatTime(s.start, z)}</td>
                      <td>{formatTime(s.end, z)}</td>
                    </tr>
                  )))}
                </tbody>
              </table>
            </details>
          </>
        )}
      </section>

      <section aria-labelledby="history-protection-title" data-testid="link-protection">
        <h2 id="history-protection-title">{t('history:protection.title')}</h2>
        {!protections ? <p>{t('loading')}</p> : others.length === 0 ? <p>{t('history:uptime.none')}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('history:uptime.peerCol')}</th>
                <th scope="col">{t('history:protection.tls')}</th>
                <th scope="col">{t('history:protection.exchange')}</th>
                <th scope="col">{t('history:protection.cipher')}</th>
                <th scope="col">{t('history:protection.postQuantum')}</th>
              </tr>
            </thead>
            <tbody>
              {others.map((peer) => {
                const p = protections[peer];
                return (
                  <tr key={peer} data-peer={peer}>
                    <th scope="row">{peer}</th>
                    {!p ? <td colSpan={4}>{t('history:protection.noSession')}</td> : (
                      <>
                        <td>{[p.tls, p.tlsGroup].filter(Boolean).join(', ')}</td>
                        <td data-exchange={p.exchange}>{p.exchange === 'none' ? t('history:protection.tlsOnly') : p.exchange}</td>
                        <td>{p.cipher ?? t('history:protection.tlsOnly')}</td>
                        <td data-post-quantum={String(p.postQuantum)}>{t(p.postQuantum ? 'history:protection.yes' : 'history:protection.no')}</td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/** The span the calls take (their ends included), padded a little, so that a week of quiet does not pile them on one point. */
function callsExtent(calls: ContactHistory['timeline'], now: number): [number, number] {
  const start = Math.min(...calls.map((c) => c.time));
  const end = Math.max(...calls.map((c) => (c.durationMs !== null ? c.time + c.durationMs : c.status === 'accepted' ? now : c.time)));
  const pad = Math.max(2 * 60_000, (end - start) * 0.08);
  return [start - pad, Math.min(now, end + pad)];
}

function Timeline({ history, now, period, parties }: { history: ContactHistory; now: number; period: Period; parties: string[] }) {
  const calls = history.timeline;
  const first = calls.length ? calls[0].time : now - 7 * DAY;
  const whole: [number, number] = [history.from ?? Math.min(first, now - HOUR) - Math.max(HOUR, (now - first) * 0.03), now];
  // The view opens on the calls themselves (every call apart), and zooms and pans from there; "whole period" shows it all.
  const [view, setView] = useState<[number, number] | null>(null);
  const [from, to] = view ?? (calls.length ? callsExtent(calls, now) : whole);
  const span = to - from;
  const zoom = (factor: number) => {
    const mid = from + span / 2;
    const half = Math.max(60_000, (span * factor) / 2);
    setView([Math.max(whole[0], mid - half), Math.min(now, mid + half)]);
  };
  const pan = (direction: number) => {
    const shift = span * 0.4 * direction;
    const a = Math.max(whole[0], Math.min(from + shift, now - span));
    setView([a, a + span]);
  };
  const lanes: string[][] = [];
  for (const a of parties) for (const b of parties) if (a !== b && calls.some((c) => c.party === a && c.toParty === b)) lanes.push([a, b]);
  for (const c of calls) if (!lanes.some(([a, b]) => a === c.party && b === c.toParty)) lanes.push([c.party, c.toParty]);
  if (lanes.length === 0) return <p>{t('history:timeline.none', { period: t(`history:period.${period}`) })}</p>;
  return (
    <>
      <div class="timeline-controls" role="group" aria-label={t('history:zoom.label')}>
        <button type="button" class="secondary" onClick={() => pan(-1)} data-testid="timeline-earlier">{t('history:zoom.earlier')}</button>
        <button type="button" class="secondary" onClick={() => zoom(0.5)} data-testid="timeline-zoom-in">{t('history:zoom.in')}</button>
        <button type="button" class="secondary" onClick={() => zoom(2)} data-testid="timeline-zoom-out">{t('history:zoom.out')}</button>
        <button type="button" class="secondary" onClick={() => pan(1)} disabled={to >= now} data-testid="timeline-later">{t('history:zoom.later')}</button>
        <button type="button" class="secondary" onClick={() => setView(null)} disabled={view === null} data-testid="timeline-fit">{t('history:zoom.fit')}</button>
        <button type="button" class="secondary" onClick={() => setView(whole)} data-testid="timeline-whole">{t('history:zoom.whole')}</button>
        <span class="muted" role="status">{t('history:zoom.showing', { from: formatTime(from, zone.value), to: formatTime(to, zone.value) })}</span>
      </div>
      <CallTimeline calls={calls.filter((c) => c.time >= from && c.time <= to)} from={from} to={to} now={now} lanes={lanes} />
      <StatusLegend />
      <details>
        <summary>{t('history:timeline.asTable')}</summary>
        <ol class="timeline-list">
          {calls.map((c) => <li key={c.call} data-status={c.status}>{describeCall(c)}</li>)}
        </ol>
      </details>
    </>
  );
}
