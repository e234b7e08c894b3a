import { useState } from 'preact/hooks';
import { post, setToken } from '../api/client.ts';
import { start, stationName } from '../app/session.ts';
import { t } from '../app/t.ts';

export function Login() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const session = await post<{ token: string }>('/v1/session', { name, password });
      setToken(session.token);
      await start();
    } catch (err) {
      setError(t('login.failed', { reason: (err as Error).message }));
    }
  };
  return (
    <main id="main" class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title', { station: stationName.value })}</h1>
        <label>
          {t('login.name')}
          <input name="name" autocomplete="username" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit">{t('login.submit')}</button>
      </form>
    </main>
  );
}
