import i18next from 'i18next';
import { consoleLanguages, type ConsoleLanguage } from '../../../src/wire/language.ts';

// One JSON file per language and feature (i18n/<lang>/<feature>.json), bundled:
// the console never fetches anything at run time.
// The console's languages are the ones a member may choose in their settings (the wire's list).
export const languages = consoleLanguages;
export type Language = ConsoleLanguage;
export const languageNames: Record<Language, string> = { en: 'English', ru: 'Русский', uk: 'Українська', fr: 'Français' };

const files = import.meta.glob('./*/*.json', { eager: true, import: 'default' }) as Record<string, Record<string, string>>;
const resources: Record<string, Record<string, Record<string, string>>> = {};
for (const [path, strings] of Object.entries(files)) {
  const [, lang, ns] = /\.\/(\w+)\/([\w-]+)\.json$/.exec(path)!;
  (resources[lang] ??= {})[ns] = strings;
}

export const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];

void i18next.init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  ns: namespaces,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export const i18n = i18next;

export function setLanguage(lang: Language): void {
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** The member's own regional variant of the chosen language (en-GB dates for a British browser), else the language. */
function locale(): string {
  const lang = i18next.language;
  return navigator.languages?.find((l) => l === lang || l.startsWith(`${lang}-`)) ?? lang;
}

/** Dates and times in the member's own zone and locale. */
export function formatTime(ms: number | null | undefined, zone: string | undefined, style: 'full' | 'time' | 'date' = 'full'): string {
  if (ms === null || ms === undefined) return '—';
  const options: Intl.DateTimeFormatOptions = style === 'time' ? { timeStyle: 'medium' } : style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'medium' };
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone: zone }).format(ms);
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(ms);
  }
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
