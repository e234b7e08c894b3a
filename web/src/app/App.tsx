import { useEffect, useState } from 'preact/hooks';
import { token } from '../api/client.ts';
import { languageNames, languages, type Language } from '../i18n/index.ts';
import { AlarmBar } from '../components/AlarmBar.tsx';
import { ZonePicker } from '../components/ZonePicker.tsx';
import { sounding } from '../alarms/alarms.ts';
import { CallPanel } from '../components/CallPanel.tsx';
import { Board } from '../pages/Board.tsx';
import { Line } from '../pages/Line.tsx';
import { Watch } from '../pages/Watch.tsx';
import { Lines } from '../pages/Lines.tsx';
import { Login } from '../pages/Login.tsx';
import { Members } from '../pages/Members.tsx';
import { Security } from '../pages/Security.tsx';
import { SecurityLog } from '../pages/SecurityLog.tsx';
import { route, type Route } from './route.ts';
import { browserLanguage, choose, chooseZone, lang, live, loadStation, me, mustEnrol, replica, sessionEnded, signOut, start, stationName, zone } from './session.ts';
import { t } from './t.ts';
import { loadNames } from './names.ts';


export function App() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    // The station refused our token (expired, idle, revoked): back to sign-in, saying why.
    const out = () => sessionEnded();
    window.addEventListener('hotline:logged-out', out);
    // The sign-in page speaks the browser's language; a member's own choice replaces it once signed in.
    const spoken = browserLanguage();
    if (spoken) choose(spoken, false);
    loadStation().then(() => (token() ? start() : undefined)).catch(() => undefined).finally(() => setReady(true));
    return () => window.removeEventListener('hotline:logged-out', out);
  }, []);
  // Once someone is signed in (after a reload or through the sign-in form): the names they see lines and parties by.
  const who = me.value?.name;
  useEffect(() => {
    if (who) void loadNames().catch(() => undefined);
  }, [who]);
  // Read while rendering, so that a new alarm re-renders the title.
  const count = me.value ? sounding.value.length : 0;
  useEffect(() => {
    // The tab's title counts the open alarms, so a watch officer on another tab or window still sees them.
    const name = stationName.value ? `${t('app.title')} — ${stationName.value}` : t('app.title');
    document.title = count > 0 ? `(${count}) ${name}` : name;
  });
  if (!ready) return <p>{t('loading')}</p>;
  if (!me.value) return <Login />;
  const r: Route = mustEnrol.value ? { page: 'security' } : route.value;
  const role = me.value.role;
  const nav: Array<[Route['page'], string, string]> = mustEnrol.value ? [] : [
    ['lines', '#/lines', t('nav.lines')],
    ['board', '#/board', t('nav.board')],
    ['watch', '#/watch', t('watch:title')],
    ['security', '#/security', t('security:nav.security')],
    ...(role === 'admin' ? [['members', '#/members', t('security:nav.members')] as [Route['page'], string, string]] : []),
    ...(role === 'admin' || role === 'auditor' ? [['security-log', '#/security-log', t('security:nav.log')] as [Route['page'], string, string]] : []),
  ];
  // The status board fills the screen: its own title bar instead of the header; alarms and calls still come over it.
  if (r.page === 'board') {
    return (
      <>
        <AlarmBar />
        <CallPanel />
        <main id="main" class="board-main" tabIndex={-1}><Board /></main>
      </>
    );
  }
  return (
    <>
      <a class="skip" href="#main">{t('app.skip')}</a>
      <header class="top">
        {/* The station's name is what the watch needs to see; the product's name is said to screen readers and in the tab's title. */}
        <a href="#/lines" class="brand"><span class="visually-hidden">{t('app.title')} · </span>{stationName.value}</a>
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
        {/* "Signed in as" is said to screen readers and on hover; the screen shows who and what, to keep the header on one row. */}
        <span class="who" title={t('header.signedInAs', { name: me.value.name, role: t(`role.${me.value.role}`) })}>
          <span class="visually-hidden">{t('header.signedIn')} </span>
          {me.value.name} ({t(`role.${me.value.role}`)})
        </span>
        <label>
          {/* Named for screen readers; on screen the choice speaks for itself ("English", "Europe/Kyiv"), so the header fits one row at 1366 px. */}
          <span class="visually-hidden">{t('header.language')}</span>
          <select value={lang.value} onChange={(e) => choose(e.currentTarget.value as Language, !mustEnrol.value)} data-testid="language">
            {languages.map((l) => <option key={l} value={l}>{languageNames[l]}</option>)}
          </select>
        </label>
        <ZonePicker value={zone.value} onChange={(z) => chooseZone(z, !mustEnrol.value)} />
        <button type="button" onClick={signOut}>{t('header.logout')}</button>
      </header>
      <AlarmBar />
      <CallPanel />
      <main id="main" tabIndex={-1}>
        {r.page === 'line' ? <Line id={r.line} tab={r.tab} />
          : r.page === 'security' ? <Security />
          : r.page === 'watch' ? <Watch />
          : r.page === 'members' && role === 'admin' ? <Members />
          : r.page === 'security-log' && (role === 'admin' || role === 'auditor') ? <SecurityLog />
          : <Lines />}
      </main>
    </>
  );
}
