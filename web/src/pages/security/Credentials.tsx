import { useEffect, useState } from 'preact/hooks';
import { del, get, post } from '../../api/client.ts';
import { signOut, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { OnceSecret } from './OnceSecret.tsx';
import type { CredentialList, CredentialView, IssuedToken } from '../../../../src/wire/token.ts';

type Credential = CredentialView;

// The station's bounds for an API token's lifetime (POST /v1/tokens): 1 hour to one year; 30 days unless asked.
const MAX_DAYS = 365;

/** The member's sessions and API tokens: when made, when they expire, when last used; revoke; make a token. */
export function Credentials() {
  const [list, setList] = useState<Credential[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<{ token: string; label: string; expiresAt: number } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => setList(await get<CredentialList>('/v1/tokens'));
  useEffect(() => {
    load().catch((e) => setError((e as Error).message));
  }, []);

  const act = async (work: () => Promise<void>) => {
    setError('');
    setStatus('');
    setBusy(true);
    try {
      await work();
      await load();
    } catch (e) {
      setError(t('error.generic', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const made = await post<IssuedToken>('/v1/tokens', { label: label.trim(), expiresInHours: Math.round(Number(days) * 24) });
      setCreated({ ...made, label: label.trim() });
      setLabel('');
    });
  };
  const revoke = (c: Credential) => {
    if (c.current) return signOut();
    void act(async () => {
      await del(`/v1/tokens/${encodeURIComponent(String(c.id))}`);
      setStatus(t('security:credentials.revoked', { label: c.label }));
    });
  };

  const z = zone.value;
  return (
    <section aria-labelledby="credentials-title" class="panel">
      <h2 id="credentials-title">{t('security:credentials.title')}</h2>
      <p>{t('security:credentials.intro')}</p>
      <p role="status" class="ok">{status}</p>
      {error && <p role="alert" class="error">{error}</p>}
      {created && (
        <OnceSecret title={t('security:token.madeTitle', { label: created.label, expires: formatTime(created.expiresAt, z) })} warning={t('security:token.warning')} values={[created.token]} testid="new-token" onDone={() => setCreated(null)} />
      )}
      {!list ? <p>{t('loading')}</p> : (
        <table data-testid="credentials">
          <caption class="sr-only">{t('security:credentials.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('security:credentials.label')}</th>
              <th scope="col">{t('security:credentials.kind')}</th>
              <th scope="col">{t('security:created')}</th>
              <th scope="col">{t('security:credentials.expires')}</th>
              <th scope="col">{t('security:lastUsed')}</th>
              <th scope="col"><span class="sr-only">{t('security:actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id} data-credential={c.label}>
                <th scope="row">{c.label}{c.current && <span class="badge">{t('security:credentials.current')}</span>}</th>
                <td>{t(`security:credentials.kinds.${c.kind}`)}</td>
                <td>{formatTime(c.createdAt, z)}</td>
                <td>{c.expiresAt ? formatTime(c.expiresAt, z) : t('security:credentials.noExpiry')}</td>
                <td>{c.lastUsedAt ? formatTime(c.lastUsedAt, z) : t('security:never')}</td>
                <td>
                  <button type="button" class="danger" disabled={busy} onClick={() => revoke(c)} aria-label={c.current ? t('security:credentials.revokeCurrent') : t('security:credentials.revokeNamed', { label: c.label })}>
                    {c.current ? t('header.logout') : t('security:credentials.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={create} class="inline-form" aria-labelledby="token-title">
        <h3 id="token-title">{t('security:token.title')}</h3>
        <p class="hint">{t('security:token.intro')}</p>
        <label>
          {t('security:token.label')}
          <input name="token-label" required maxLength={100} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <label>
          {t('security:token.days', { max: MAX_DAYS })}
          <input name="token-days" type="number" min={1} max={MAX_DAYS} step={1} required value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>{t('security:token.create')}</button>
      </form>
    </section>
  );
}
