import { i18n } from '../i18n/index.ts';
import { lang } from './session.ts';

/** Translates, and re-renders the calling component when the language changes. */
export function t(key: string, options?: Record<string, unknown>): string {
  void lang.value;
  return String(i18n.t(key, options as never));
}
