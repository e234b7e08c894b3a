import { signal } from '@preact/signals';
import { get, put, setToken, token } from '../api/client.ts';
import { LiveEvents } from '../api/events.ts';
import { setLanguage, type Language, languages } from '../i18n/index.ts';

export interface Me { id: number; name: string; role: string }

// The console's few pieces of global state, as signals: who is signed in,
// their preferences, the station, and the live event stream.
export const me = signal<Me | null>(null);
export const zone = signal<string>(Intl.DateTimeFormat().resolvedOptions().timeZone);
export const lang = signal<Language>('en');
export const stationName = signal<string>('');
export const iceServers = signal<RTCIceServer[]>([]);
export const live = signal(false);
export const events = new LiveEvents();

events.on((e) => {
  if (e.type === 'resync') live.value = true;
  if (e.type === 'disconnected') live.value = false;
});

export async function loadStation(): Promise<void> {
  const s = await get<{ name: string }>('/v1/station');
  stationName.value = s.name;
}

/** After sign-in (or a reload with a token): who we are, our preferences, the live stream. */
export async function start(): Promise<void> {
  if (!token()) return;
  const [who, prefs, console] = await Promise.all([get<Me>('/v1/me'), get<{ lang?: Language; zone?: string }>('/v1/me/preferences'), get<{ iceServers: RTCIceServer[] }>('/v1/console')]);
  if (prefs.lang && languages.includes(prefs.lang)) choose(prefs.lang, false);
  else {
    const guess = navigator.language.slice(0, 2) as Language;
    if (languages.includes(guess)) choose(guess, false);
  }
  if (prefs.zone) zone.value = prefs.zone;
  iceServers.value = console.iceServers;
  me.value = who;
  events.start();
}

export function choose(l: Language, remember = true): void {
  lang.value = l;
  setLanguage(l);
  if (remember) void put('/v1/me/preferences', { lang: l });
}

export function chooseZone(z: string): void {
  zone.value = z;
  void put('/v1/me/preferences', { zone: z });
}

export function signOut(): void {
  void fetch('/v1/session', { method: 'DELETE', headers: { authorization: `Bearer ${token()}` } }).catch(() => undefined);
  setToken(null);
  location.hash = '';
  location.reload();
}
