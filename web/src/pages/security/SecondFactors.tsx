import { useEffect, useState } from 'preact/hooks';
import { startRegistration } from '@simplewebauthn/browser';
import { del, get, post } from '../../api/client.ts';
import { mustEnrol, setMustEnrol, start, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { describePasskeyError } from './describe-error.ts';
import { OnceSecret } from './OnceSecret.tsx';
import type { SecondFactors as SecondFactorsView } from '../../../../src/wire/second-factor.ts';

export type Factors = SecondFactorsView;

/** Base32 in groups of four, easier to type into an authenticator by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** The member's own second factors: an authenticator app (TOTP), passkeys, recovery codes. */
export function SecondFactors() {
  const [factors, setFactors] = useState<Factors | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [enrolling, setEnrolling] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => setFactors(await get<Factors>('/v1/me/second-factors'));
  useEffect(() => {
    load().catch((e) => setError((e as Error).message));
  }, []);

  const act = async (work: () => Promise<void>, passkey = false) => {
    setError('');
    setStatus('');
    setBusy(true);
    try {
      await work();
      await load();
    } catch (e) {
      setError(passkey && !(e as { status?: number }).status ? describePasskeyError(e) : t('error.generic', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  /** The first factor enrolled under a must-enrol session: the rest of the console opens. */
  const enrolled = async () => {
    if (!mustEnrol.value) return;
    setMustEnrol(false);
    await start();
  };

  const beginTotp = () => act(async () => setEnrolling(await post('/v1/me/totp')));
  const confirmTotp = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const { recoveryCodes } = await post<{ recoveryCodes: string[] }>('/v1/me/totp/confirm', { code: code.replace(/\s/g, '') });
      setEnrolling(null);
      setCode('');
      setCodes(recoveryCodes);
      setStatus(t('security:totp.enabled'));
    });
  };
  const removeTotp = () => act(async () => {
    await del('/v1/me/totp');
    setStatus(t('security:totp.removed'));
  });
  const addPasskey = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const optionsJSON = await post('/v1/me/passkeys/options');
      const response = await startRegistration({ optionsJSON });
      const created = await post<{ label: string }>('/v1/me/passkeys', { label: label.trim(), response });
      setLabel('');
      setStatus(t('security:passkey.added', { label: created.label }));
      await enrolled();
    }, true);
  };
  const removePasskey = (id: string, name: string) => act(async () => {
    await del(`/v1/me/passkeys/${encodeURIComponent(id)}`);
    setStatus(t('security:passkey.removed', { label: name }));
  });
  const regenerate = () => act(async () => {
    const { recoveryCodes } = await post<{ recoveryCodes: string[] }>('/v1/me/recovery-codes');
    setCodes(recoveryCodes);
  });

  if (!factors) return error ? <p role="alert" class="error">{t('error.generic', { message: error })}</p> : <p>{t('loading')}</p>;
  const z = zone.value;
  return (
    <section aria-labelledby="factors-title" class="panel">
      <h2 id="factors-title">{t('security:factors.title')}</h2>
      <p>{factors.required ? t('security:factors.required') : t('security:factors.optional')}</p>
      <p role="status" class="ok">{status}</p>
      {error && <p role="alert" class="error">{error}</p>}

      {codes && (
        <OnceSecret title={t('security:recovery.title')} warning={t('security:recovery.warning')} values={codes} testid="recovery-codes"
          onDone={() => { setCodes(null); void enrolled().catch((e) => setError((e as Error).message)); }} />
      )}

      <section aria-labelledby="totp-title" class="factor">
        <h3 id="totp-title">{t('security:totp.title')}</h3>
        <p data-testid="totp-state">{factors.totp ? t('security:totp.on') : t('security:totp.off')}</p>
        {!factors.totp && !enrolling && <button type="button" onClick={beginTotp} disabled={busy}>{t('security:totp.begin')}</button>}
        {enrolling && (
          <form onSubmit={confirmTotp} class="enrol">
            <p>{t('security:totp.step1')}</p>
            <dl class="facts">
              <dt>{t('security:totp.secret')}</dt>
              <dd><code class="mono" data-testid="totp-secret" data-secret={enrolling.secret}>{grouped(enrolling.secret)}</code></dd>
              <dt>{t('security:totp.uri')}</dt>
              <dd><code class="mono uri" data-testid="totp-uri">{enrolling.uri}</code></dd>
            </dl>
            <p>{t('security:totp.step2')}</p>
            <label>
              {t('security:totp.code')}
              <input name="totp-code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,8}" maxLength={8} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            </label>
            <p class="actions">
              <button type="submit" disabled={busy}>{t('security:totp.confirm')}</button>
              <button type="button" class="secondary" onClick={() => { setEnrolling(null); setCode(''); }}>{t('security:cancel')}</button>
            </p>
          </form>
        )}
        {factors.totp && <button type="button" class="danger" onClick={removeTotp} disabled={busy}>{t('security:totp.remove')}</button>}
      </section>

      <section aria-labelledby="passkeys-title" class="factor">
        <h3 id="passkeys-title">{t('security:passkey.title')}</h3>
        {factors.passkeys.length === 0 ? <p>{t('security:passkey.none')}</p> : (
          <table data-testid="passkeys">
            <caption class="sr-only">{t('security:passkey.title')}</caption>
            <thead><tr><th scope="col">{t('security:passkey.label')}</th><th scope="col">{t('security:created')}</th><th scope="col">{t('security:lastUsed')}</th><th scope="col"><span class="sr-only">{t('security:actions')}</span></th></tr></thead>
            <tbody>
              {factors.passkeys.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.label}</th>
                  <td>{formatTime(p.createdAt, z)}</td>
                  <td>{p.lastUsedAt ? formatTime(p.lastUsedAt, z) : t('security:never')}</td>
                  <td><button type="button" class="danger" onClick={() => removePasskey(p.id, p.label)} disabled={busy} aria-label={t('security:passkey.removeNamed', { label: p.label })}>{t('security:remove')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form onSubmit={addPasskey} class="inline-form">
          <label>
            {t('security:passkey.newLabel')}
            <input name="passkey-label" required maxLength={100} value={label} onInput={(e) => setLabel(e.currentTarget.value)} placeholder={t('security:passkey.placeholder')} />
          </label>
          <button type="submit" disabled={busy}>{t('security:passkey.add')}</button>
        </form>
      </section>

      <section aria-labelledby="recovery-title" class="factor">
        <h3 id="recovery-title">{t('security:recovery.heading')}</h3>
        <p data-testid="recovery-left">{t('security:recovery.left', { count: factors.recoveryCodesLeft })}</p>
        <p class="hint">{t('security:recovery.explain')}</p>
        {(factors.totp || factors.passkeys.length > 0) && <button type="button" class="secondary" onClick={regenerate} disabled={busy}>{t('security:recovery.regenerate')}</button>}
      </section>
    </section>
  );
}
