import './security/security.css';
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post } from '../api/client.ts';
import { me, zone } from '../app/session.ts';
import { t } from '../app/t.ts';
import { formatTime } from '../i18n/index.ts';
import { roles } from '../../../src/wire/role.ts';
import { Policy } from './security/Policy.tsx';
import { Names } from './security/Names.tsx';
import type { AdminMemberView } from '../../../src/wire/member.ts';

type MemberRow = AdminMemberView;

/** For admins: every member with their lockout and second-factor state; unlock, disable or enable, change role; and the policy. */
export function Members() {
  const [members, setMembers] = useState<MemberRow[] | null>(null);
  const [roleOf, setRoleOf] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const load = async () => {
    const { members } = await get<{ members: MemberRow[] }>('/v1/members');
    setMembers(members);
    setRoleOf(Object.fromEntries(members.map((m) => [m.name, m.role])));
  };
  useEffect(() => {
    load().catch((e) => setError((e as Error).message));
  }, []);
  const act = async (work: () => Promise<string>) => {
    setError('');
    setStatus('');
    setBusy(true);
    try {
      const said = await work();
      await load();
      setStatus(said);
    } catch (e) {
      setError(t('error.generic', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  const path = (name: string, rest = '') => `/v1/members/${encodeURIComponent(name)}${rest}`;
  const unlock = (m: MemberRow) => act(async () => (await post(path(m.name, '/unlock')), t('security:members.unlocked', { name: m.name })));
  const toggle = (m: MemberRow) => act(async () => (await patch(path(m.name), { disabled: !m.disabled }), t(m.disabled ? 'security:members.enabledNow' : 'security:members.disabledNow', { name: m.name })));
  const changeRole = (m: MemberRow) => act(async () => (await patch(path(m.name), { role: roleOf[m.name] }), t('security:members.roleChanged', { name: m.name, role: t(`role.${roleOf[m.name]}`) })));

  const z = zone.value;
  const now = Date.now();
  return (
    <section aria-labelledby="members-title" class="security">
      <h1 id="members-title">{t('security:members.title')}</h1>
      <p>{t('security:members.intro')}</p>
      <p role="status" class="ok" data-testid="members-status">{status}</p>
      {error && <p role="alert" class="error">{error}</p>}
      {!members ? <p>{t('loading')}</p> : (
        <table data-testid="members">
          <caption class="sr-only">{t('security:members.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('login.name')}</th>
              <th scope="col">{t('security:members.role')}</th>
              <th scope="col">{t('security:members.state')}</th>
              <th scope="col">{t('security:members.secondFactor')}</th>
              <th scope="col"><span class="sr-only">{t('security:actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const locked = m.lockedUntil != null && m.lockedUntil > now;
              const self = m.name === me.value?.name;
              return (
                <tr key={m.id} data-member={m.name}>
                  <th scope="row">{m.name}</th>
                  <td>
                    <span class="role-pick">
                      <select aria-label={t('security:members.roleOf', { name: m.name })} value={roleOf[m.name]} disabled={self} onChange={(e) => setRoleOf({ ...roleOf, [m.name]: e.currentTarget.value })}>
                        {roles.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                      </select>
                      {roleOf[m.name] !== m.role && <button type="button" disabled={busy} onClick={() => changeRole(m)}>{t('security:members.changeRole')}</button>}
                    </span>
                  </td>
                  <td data-testid="member-state">
                    {m.disabled ? <span class="state-bad">{t('security:members.disabled')}</span>
                      : locked ? <span class="state-bad">{t('security:members.lockedUntil', { time: formatTime(m.lockedUntil!, z) })}</span>
                      : t('security:members.active')}
                  </td>
                  <td>{m.secondFactor ? t('security:members.hasFactor') : t('security:members.noFactor')}</td>
                  <td class="actions">
                    {locked && <button type="button" disabled={busy} onClick={() => unlock(m)} aria-label={t('security:members.unlockNamed', { name: m.name })}>{t('security:members.unlock')}</button>}
                    {!self && (
                      <button type="button" class={m.disabled ? 'secondary' : 'danger'} disabled={busy} onClick={() => toggle(m)} aria-label={t(m.disabled ? 'security:members.enableNamed' : 'security:members.disableNamed', { name: m.name })}>
                        {m.disabled ? t('security:members.enable') : t('security:members.disable')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Policy />
      <Names />
    </section>
  );
}
