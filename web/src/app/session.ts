import { signal } from '@preact/signals';
import { get, put, setToken, token } from '../api/client.ts';
import { LiveEvents } from '../api/events.ts';
import { followAlarms } from '../alarms/alarms.ts';
import { setLanguage, type Language, languages } from '../i18n/index.ts';
import type { MemberView } from '../../../src/wire/member.ts';
import type { Preferences } from '../../../src/wire/preferences.ts';
import type { ReplicaView } from '../../../src/wire/replica.ts';

/** The member signed in, as GET /v1/me says. */
export type Me = MemberView;

// The console's few pieces of global state, as signals: who is signed in,
// their preferences, the station, and the live event stream.
export const me = signal<Me | null>(null);
export const zone = signal<string>(Intl.DateTimeFormat().resolvedOptions().timeZone);
export const lang = signal<Language>('en');
export const stationName = signal<string>('');
/** Which of the station's replicas serves this console and which leads (role 'single': a station without replicas). */
export type { ReplicaView };
export const replica = signal<ReplicaView | null>(null);
export const iceServers = signal<RTCIceServer[]>([]);
export const live = signal(false);
/** Alarm kinds this member hears once instead of on repeat (their preference `quiet`). */
export const quietAlarms = signal<string[]>([]);
export const events = new LiveEvents();
/**
 * Signed in, but the station's policy wants a second factor this member has
 * not enrolled yet: the session may only reach the enrolment endpoints, so the
 * console shows only the Security page. Kept per tab, like the token.
 */
export const mustEnrol = signal<boolean>(sessionStorage.getItem('hotline.mustEnrol') === '1');
export function setMustEnrol(value: boolean): void {
  mustEnrol.value = value;
  if (value) sessionStorage.setItem('hotline.mustEnrol', '1');
  else sessionStorage.removeItem('hotline.mustEnrol');
}

const ENDED = 'hotline.sessionEnded';
/** Why the last session ended without Sign out (read once by the sign-in page). */
export function takeEndedNotice(): boolean {
  const ended = sessionStorage.getItem(ENDED) === '1';
  sessionStorage.removeItem(ENDED);
  return ended;
}
/** The station refused our token: back to sign-in, saying so. A reload also stops the event stream's retries. */
export function sessionEnded(): void {
  sessionStorage.setItem(ENDED, '1');
  setMustEnrol(false);
  location.hash = '';
  location.reload();
}

events.on((e) => {
  if (e.type === 'resync') {
    live.value = true;
    // A reconnect may follow a failover: ask again which replica leads.
    void loadStation().catch(() => undefined);
  }
  if (e.type === 'disconnected') live.value = false;
});

export async function loadStation(): Promise<void> {
  const s = await get<{ name: string; replica?: ReplicaView }>('/v1/station');
  stationName.value = s.name;
  replica.value = s.replica ?? null;
}

/** After sign-in (or a reload with a token): who we are, our preferences, the live stream. */
export async function start(): Promise<void> {
  if (!token()) return;
  if (mustEnrol.value) {
    // Nothing else answers until a second factor is enrolled.
    me.value = await get<Me>('/v1/me');
    location.hash = '#/security';
    return;
  }
  const [who, prefs, console] = await Promise.all([get<Me>('/v1/me'), get<Preferences>('/v1/me/preferences'), get<{ iceServers: RTCIceServer[] }>('/v1/console')]);
  if (prefs.lang && languages.includes(prefs.lang)) choose(prefs.lang, false);
  else {
    const guess = browserLanguage();
    if (guess) choose(guess, false);
  }
  if (prefs.zone) zone.value = prefs.zone;
  quietAlarms.value = prefs.quiet ? prefs.quiet.split(',').filter(Boolean) : [];
  iceServers.value = console.iceServers;
  me.value = who;
  events.start();
  followAlarms(events);
  // Which replica leads can change without this console's stream breaking (its own replica took over): look again now and then.
  if (replica.value && replica.value.role !== 'single') setInterval(() => void loadStation().catch(() => undefined), 15_000);
}

/** The first of the browser's languages the console speaks (the sign-in page, and a member with no language chosen yet). */
export function browserLanguage(): Language | null {
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const l = tag.slice(0, 2).toLowerCase() as Language;
    if (languages.includes(l)) return l;
  }
  return null;
}

export function choose(l: Language, remember = true): void {
  lang.value = l;
  setLanguage(l);
  if (remember) void put('/v1/me/preferences', { lang: l });
}

export function chooseQuietAlarms(kinds: string[]): void {
  quietAlarms.value = kinds;
  void put('/v1/me/preferences', { quiet: kinds.join(',') });
}

export function chooseZone(z: string, remember = true): void {
  zone.value = z;
  if (remember) void put('/v1/me/preferences', { zone: z });
}

export function signOut(): void {
  void fetch('/v1/session', { method: 'DELETE', headers: { authorization: `Bearer ${token()}` } }).catch(() => undefined);
  setToken(null);
  setMustEnrol(false);
  location.hash = '';
  location.reload();
}
