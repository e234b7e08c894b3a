import { useEffect, useState } from 'preact/hooks';
import { token } from '../api/client.ts';
import { languageNames, languages, type Language } from '../i18n/index.ts';
import { Alarms } from '../components/Alarms.tsx';
import { CallPanel } from '../components/CallPanel.tsx';
import { Line } from '../pages/Line.tsx';
import { Lines } from '../pages/Lines.tsx';
import { Login } from '../pages/Login.tsx';
import { Members } from '../pages/Members.tsx';
import { Security } from '../pages/Security.tsx';
import { SecurityLog } from '../pages/SecurityLog.tsx';
import { route, type Route } from './route.ts';
import { choose, chooseZone, lang, live, loadStation, me, mustEnrol, replica, sessionEnded, signOut, start, stationName, zone } from './session.ts';
import { t } from './t.ts';

const zones = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

export function App() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    // The station refused our token (expired, idle, revoked): back to sign-in, saying why.
    const out = () => sessionEnded();
    window.addEventListener('hotline:logged-out', out);
    loadStation().then(() => (token() ? start() : undefined)).catch(() => undefined).finally(() => setReady(true));
    return () => window.removeEventListener('hotline:logged-out', out);
  }, []);
  useEffect(() => {
    document.title = stationName.value ? `${t('app.title')} — ${stationName.value}` : t('app.title');
  });
  if (!ready) return <p>{t('loading')}</p>;
  if (!me.value) return <Login />;
  const r: Route = mustEnrol.value ? { page: 'security' } : route.value;
  const role = me.value.role;
  const nav: Array<[Route['page'], string, string]> = mustEnrol.value ? [] : [
    ['lines', '#/lines', t('nav.lines')],
    ['security', '#/security', t('security:nav.security')],
    ...(role === 'admin' ? [['members', '#/members', t('security:nav.members')] as [Route['page'], string, string]] : []),
    ...(role === 'admin' || role === 'auditor' ? [['security-log', '#/security-log', t('security:nav.log')] as [Route['page'], string, string]] : []),
  ];
  return (
    <>
      <a class="skip" href="#main">{t('app.skip')}</a>
      <header class="top">
        <a href="#/lines" class="brand">{t('app.title')} · {stationName.value}</a>
        {nav.length > 0 && (
          <nav aria-label={t('security:nav.label')} class="site-nav">
            {nav.map(([page, to, label]) => <a key={page} href={to} aria-current={r.page === page || (page === 'lines' && r.page === 'line') ? 'page' : undefined} data-nav={page}>{label}</a>)}
          </nav>
        )}
        {!mustEnrol.value && <span class={`live ${live.value ? 'on' : 'off'}`} role="status">{live.value ? t('header.live') : t('header.offline')}</span>}
        {replica.value && replica.value.role !== 'single' && (
          <span class="replica" data-testid="replica" title={t('header.replicaLabel')}>
            {replica.value.role === 'leader' ? t('header.replicaLeads', { id: replica.value.id })
              : replica.value.leader ? t('header.replicaFollows', { id: replica.value.id, leader: replica.value.leader.id }) : t('header.replicaNoLeader', { id: replica.value.id })}
          </span>
        )}
        <span class="who">{t('header.signedInAs', { name: me.value.name, role: t(`role.${me.value.role}`) })}</span>
        <label>
          {t('header.language')}{' '}
          <select value={lang.value} onChange={(e) => choose(e.currentTarget.value as Language, !mustEnrol.value)} data-testid="language">
            {languages.map((l) => <option key={l} value={l}>{languageNames[l]}</option>)}
          </select>
        </label>
        <label>
          {t('header.zone')}{' '}
          <select value={zone.value} onChange={(e) => chooseZone(e.currentTarget.value, !mustEnrol.value)}>
            {(zones.includes(zone.value) ? zones : [zone.value, ...zones]).map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <button type="button" onClick={signOut}>{t('header.logout')}</button>
      </header>
      <Alarms />
      <CallPanel />
      <main id="main" tabIndex={-1}>
        {r.page === 'line' ? <Line id={r.line} tab={r.tab} />
          : r.page === 'security' ? <Security />
          : r.page === 'members' && role === 'admin' ? <Members />
          : r.page === 'security-log' && (role === 'admin' || role === 'auditor') ? <SecurityLog />
          : <Lines />}
      </main>
    </>
  );
}
