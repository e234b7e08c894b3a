import { ApiError } from '../../api/client.ts';
import { formatTime } from '../../i18n/index.ts';
import { zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';

/**
 * What went wrong signing in, in words: a wrong answer, too many tries (with
 * the wait the station gave in Retry-After), or a locked account (with until when).
 */
export function describeSignInError(err: unknown, step: 'password' | 'second'): string {
  if (err instanceof ApiError) {
    if (err.code === 'locked' || err.status === 423) {
      const iso = /\d{4}-\d{2}-\d{2}T[\d:.]+Z/.exec(err.message)?.[0];
      return iso ? t('security:error.locked', { until: formatTime(Date.parse(iso), zone.value) }) : t('security:error.lockedNoTime');
    }
    if (err.code === 'rate_limited' || err.status === 429) {
      const seconds = err.retryAfter ?? Number(/(\d+)\s*s\b/.exec(err.message)?.[1] ?? NaN);
      return Number.isFinite(seconds) ? t('security:error.rateLimited', { count: seconds }) : t('security:error.rateLimitedNoTime');
    }
    if (err.status === 401) return step === 'password' ? t('security:error.wrongPassword') : t('security:error.wrongCode');
    return t('login.failed', { reason: err.message });
  }
  return t('login.failed', { reason: (err as Error).message });
}

/** A passkey prompt the member dismissed, or a browser without passkeys, versus anything else. */
export function describePasskeyError(err: unknown): string {
  const name = (err as { name?: string }).name;
  if (name === 'NotAllowedError' || name === 'AbortError') return t('security:passkey.cancelled');
  if (name === 'NotSupportedError' || name === 'SecurityError') return t('security:passkey.unsupported', { message: (err as Error).message });
  if (err instanceof ApiError) return t('error.generic', { message: err.message });
  return t('error.generic', { message: (err as Error).message });
}
