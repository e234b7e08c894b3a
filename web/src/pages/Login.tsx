import './security/security.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { post, setToken } from '../api/client.ts';
import { setMustEnrol, start, stationName, takeEndedNotice } from '../app/session.ts';
import { t } from '../app/t.ts';
import { describePasskeyError, describeSignInError } from './security/describe-error.ts';
import type { PendingSignIn, SecondFactorMethod, SessionReply } from '../../../src/wire/session.ts';

const ended = takeEndedNotice();

/** Signing in: the password, then, when the station asks, a second factor. */
export function Login() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [second, setSecond] = useState<PendingSignIn | null>(null);
  const [method, setMethod] = useState<SecondFactorMethod>('totp');
  const [code, setCode] = useState('');
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (second && method !== 'passkey') codeInput.current?.focus();
  }, [second, method]);

  const signedIn = async (session: SessionReply) => {
    setToken(session.token);
    setMustEnrol(session.mustEnrol === true);
    await start();
  };

  const run = async (step: 'password' | 'second', work: () => Promise<void>) => {
    setError('');
    setBusy(true);
    try {
      await work();
    } catch (err) {
      setError(step === 'second' && method === 'passkey' && !(err as { status?: number }).status ? describePasskeyError(err) : describeSignInError(err, step));
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (e: Event) => {
    e.preventDefault();
    void run('password', async () => {
      const res = await post<SessionReply | PendingSignIn>('/v1/session', { name, password });
      if ('pending' in res) {
        setPassword('');
        setCode('');
        setMethod(res.methods.includes('totp') ? 'totp' : res.methods.includes('passkey') ? 'passkey' : 'recovery');
        setSecond(res);
      } else await signedIn(res);
    });
  };

  const expired = () => {
    if (second && Date.now() > second.expiresAt) {
      setSecond(null);
      setError(t('security:signIn.expired'));
      return true;
    }
    return false;
  };

  const submitCode = (e: Event) => {
    e.preventDefault();
    if (!second || expired()) return;
    void run('second', async () => {
      const path = method === 'recovery' ? '/v1/session/recovery' : '/v1/session/totp';
      await signedIn(await post<SessionReply>(path, { pending: second.pending, code: code.trim() }));
    });
  };

  const usePasskey = () => {
    if (!second || expired()) return;
    void run('second', async () => {
      const optionsJSON = await post('/v1/session/passkey/options', { pending: second.pending });
      const response = await startAuthentication({ optionsJSON });
      await signedIn(await post<SessionReply>('/v1/session/passkey', { pending: second.pending, response }));
    });
  };

  const choose = (m: SecondFactorMethod) => {
    setError('');
    setCode('');
    setMethod(m);
  };

  if (second) {
    const others = second.methods.filter((m) => m !== method);
    return (
      <main id="main" class="login">
        <div class="login-box" data-testid="second-factor">
          <h1 id="login-title">{t('login.title', { station: stationName.value })}</h1>
          <h2>{t('security:signIn.secondTitle')}</h2>
          <p>{t('security:signIn.secondIntro', { name })}</p>
          {method === 'passkey' ? (
            <div class="login-step">
              <p>{t('security:signIn.passkeyIntro')}</p>
              <button type="button" onClick={usePasskey} disabled={busy}>{t('security:signIn.usePasskey')}</button>
            </div>
          ) : (
            <form onSubmit={submitCode} class="login-step" aria-labelledby="login-title">
              <label>
                {method === 'totp' ? t('security:signIn.totpCode') : t('security:signIn.recoveryCode')}
                <input key={method} ref={codeInput} name="code" required value={code} onInput={(e) => setCode(e.currentTarget.value)}
                  {...(method === 'totp' ? { inputMode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9 ]{6,8}', maxLength: 8 } : { autocomplete: 'off', spellcheck: false, maxLength: 64 })} />
              </label>
              <p class="hint">{method === 'totp' ? t('security:signIn.totpHint') : t('security:signIn.recoveryHint')}</p>
              <button type="submit" disabled={busy}>{t('security:signIn.verify')}</button>
            </form>
          )}
          {error && <p role="alert" class="error">{error}</p>}
          {others.length > 0 && (
            <p class="login-others">
              {others.map((m) => (
                <button key={m} type="button" class="secondary" onClick={() => choose(m)}>{t(`security:signIn.switch.${m}`)}</button>
              ))}
            </p>
          )}
          <button type="button" class="secondary" onClick={() => { setSecond(null); setError(''); }}>{t('security:signIn.startAgain')}</button>
        </div>
      </main>
    );
  }

  return (
    <main id="main" class="login">
      <form onSubmit={submitPassword} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title', { station: stationName.value })}</h1>
        {ended && !error && <p role="status" class="notice" data-testid="session-ended">{t('security:signIn.ended')}</p>}
        <label>
          {t('login.name')}
          <input name="name" autocomplete="username" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy}>{t('login.submit')}</button>
      </form>
    </main>
  );
}
