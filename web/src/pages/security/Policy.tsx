import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../../api/client.ts';
import { t } from '../../app/t.ts';
import { roles, type Role } from '../../../../src/wire/role.ts';
import type { SecurityPolicy } from '../../../../src/wire/security-policy.ts';

type PolicyView = SecurityPolicy;

/** The station's sign-in policy (admin): which roles need a second factor, the idle timeout, the lockout. */
export function Policy() {
  const [policy, setPolicy] = useState<PolicyView | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<PolicyView>('/v1/security/policy').then(setPolicy, (e) => setError((e as Error).message));
  }, []);
  if (!policy) return error ? <p role="alert" class="error">{t('error.generic', { message: error })}</p> : <p>{t('loading')}</p>;

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    setStatus('');
    setBusy(true);
    try {
      setPolicy(await put<PolicyView>('/v1/security/policy', policy));
      setStatus(t('security:policy.saved'));
    } catch (err) {
      setError(t('error.generic', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  const num = (v: string) => Math.max(0, Math.round(Number(v) || 0));
  return (
    <section aria-labelledby="policy-title" class="panel">
      <h2 id="policy-title">{t('security:policy.title')}</h2>
      <form onSubmit={save} class="policy">
        <fieldset>
          <legend>{t('security:policy.secondFactor')}</legend>
          {roles.map((r) => (
            <label key={r} class="check">
              <input type="checkbox" name={`require-${r}`} checked={policy.secondFactor[r]} onChange={(e) => setPolicy({ ...policy, secondFactor: { ...policy.secondFactor, [r]: e.currentTarget.checked } })} />
              {t(`role.${r}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('security:policy.idle')}
          <input type="number" name="idle-minutes" min={1} step={1} required value={policy.idleMinutes} onInput={(e) => setPolicy({ ...policy, idleMinutes: num(e.currentTarget.value) })} />
        </label>
        <fieldset>
          <legend>{t('security:policy.lockout')}</legend>
          <label>
            {t('security:policy.failures')}
            <input type="number" name="lockout-failures" min={1} step={1} required value={policy.lockout.failures} onInput={(e) => setPolicy({ ...policy, lockout: { ...policy.lockout, failures: num(e.currentTarget.value) } })} />
          </label>
          <label>
            {t('security:policy.minutes')}
            <input type="number" name="lockout-minutes" min={1} step={1} required value={policy.lockout.minutes} onInput={(e) => setPolicy({ ...policy, lockout: { ...policy.lockout, minutes: num(e.currentTarget.value) } })} />
          </label>
        </fieldset>
        <p class="actions">
          <button type="submit" disabled={busy}>{t('security:policy.save')}</button>
          <span role="status" class="ok">{status}</span>
        </p>
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </section>
  );
}
