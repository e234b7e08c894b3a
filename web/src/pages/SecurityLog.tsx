import './security/security.css';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client.ts';
import { stationName, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { downloadWithToken } from '../audit/download.ts';
import { formatTime, i18n } from '../i18n/index.ts';
import type { SecurityEvent, SecurityLog as SecurityLogReply } from '../../../src/wire/security-log.ts';

const LIMIT = 500;

/** The detail of an event as short "key: value" text; the export keeps it whole. */
function detailText(detail: unknown): string {
  if (detail == null) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
}

/** For auditors and admins: the station's security log, newest first, and its JSON-lines export. */
export function SecurityLog() {
  const [events, setEvents] = useState<SecurityEvent[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const load = async () => {
    const { events } = await get<SecurityLogReply>(`/v1/security/log?limit=${LIMIT}`);
    setEvents([...events].sort((a, b) => b.time - a.time || b.id - a.id));
  };
  useEffect(() => {
    load().catch((e) => setError((e as Error).message));
  }, []);
  const download = async () => {
    setError('');
    setStatus('');
    const file = `security-log-${stationName.value || 'station'}.jsonl`;
    try {
      await downloadWithToken('/v1/security/log?format=jsonl', file);
      setStatus(t('security:log.downloaded', { file }));
    } catch (e) {
      setError(t('error.generic', { message: (e as Error).message }));
    }
  };
  const kind = (k: string) => (i18n.exists(`security:kind.${k}`) ? t(`security:kind.${k}`) : k);
  const z = zone.value;
  return (
    <section aria-labelledby="log-title" class="security">
      <h1 id="log-title">{t('security:log.title')}</h1>
      <p>{t('security:log.intro')}</p>
      <p class="actions">
        <button type="button" onClick={download} data-testid="download-log">{t('security:log.download')}</button>
        <button type="button" class="secondary" onClick={() => load().catch((e) => setError((e as Error).message))}>{t('security:log.refresh')}</button>
        <span role="status" class="ok">{status}</span>
      </p>
      {error && <p role="alert" class="error">{error}</p>}
      {!events ? <p>{t('loading')}</p> : events.length === 0 ? <p>{t('security:log.empty')}</p> : (
        <>
          {events.length >= LIMIT && <p class="hint">{t('security:log.latest', { count: LIMIT })}</p>}
          <table data-testid="security-log" class="log-table">
            <caption class="sr-only">{t('security:log.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('security:log.time')}</th>
                <th scope="col">{t('security:log.kind')}</th>
                <th scope="col">{t('security:log.member')}</th>
                <th scope="col">{t('security:log.actor')}</th>
                <th scope="col">{t('security:log.address')}</th>
                <th scope="col">{t('security:log.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-kind={e.kind} class={/(failed|\.locked)$/.test(e.kind) ? 'state-bad' : ''}>
                  <td>{formatTime(e.time, z)}</td>
                  <td>{kind(e.kind)} <code class="mono muted">{e.kind}</code></td>
                  <td>{e.member ?? '—'}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td class="mono">{e.address ?? '—'}</td>
                  <td class="detail">{detailText(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
