import { signal } from '@preact/signals';

export type Tab = 'transcript' | 'calls' | 'readouts' | 'notices' | 'history' | 'audit';
export const tabs: Tab[] = ['transcript', 'calls', 'readouts', 'notices', 'history', 'audit'];
/** Pages of their own, outside any line: the member's security, the admins' members and policy, the security log, the status board. */
export type Page = 'security' | 'members' | 'security-log' | 'board' | 'watch';
const pages: Page[] = ['security', 'members', 'security-log', 'board', 'watch'];
export type Route = { page: 'lines' } | { page: 'line'; line: string; tab: Tab } | { page: Page };

// Hash routes (#/lines, #/lines/<id>/<tab>, #/security, …): the station serves one page, and links stay shareable.
function parse(hash: string): Route {
  const own = /^#\/([\w-]+)$/.exec(hash);
  if (own && (pages as string[]).includes(own[1])) return { page: own[1] as Page };
  const m = /^#\/lines\/([^/]+)(?:\/(\w+))?/.exec(hash);
  if (!m) return { page: 'lines' };
  const tab = (tabs as string[]).includes(m[2] ?? '') ? (m[2] as Tab) : 'transcript';
  return { page: 'line', line: decodeURIComponent(m[1]), tab };
}

export const route = signal<Route>(parse(location.hash));
window.addEventListener('hashchange', () => (route.value = parse(location.hash)));

export const href = (r: Route) => (r.page === 'lines' ? '#/lines' : r.page === 'line' ? `#/lines/${encodeURIComponent(r.line)}/${r.tab}` : `#/${r.page}`);
