import { signal } from '@preact/signals';

export type Tab = 'transcript' | 'calls' | 'readouts' | 'notices' | 'history' | 'audit';
export const tabs: Tab[] = ['transcript', 'calls', 'readouts', 'notices', 'history', 'audit'];
export type Route = { page: 'lines' } | { page: 'line'; line: string; tab: Tab };

// Hash routes (#/lines, #/lines/<id>/<tab>): the station serves one page, and links stay shareable.
function parse(hash: string): Route {
  const m = /^#\/lines\/([^/]+)(?:\/(\w+))?/.exec(hash);
  if (!m) return { page: 'lines' };
  const tab = (tabs as string[]).includes(m[2] ?? '') ? (m[2] as Tab) : 'transcript';
  return { page: 'line', line: decodeURIComponent(m[1]), tab };
}

export const route = signal<Route>(parse(location.hash));
window.addEventListener('hashchange', () => (route.value = parse(location.hash)));

export const href = (r: Route) => (r.page === 'lines' ? '#/lines' : `#/lines/${encodeURIComponent(r.line)}/${r.tab}`);
