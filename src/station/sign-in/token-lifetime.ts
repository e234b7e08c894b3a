import { badRequest } from '../../core/errors.ts';

/**
 * API tokens always expire: a token forgotten in a script or a config file
 * stops working on its own. Thirty days unless asked, never beyond a year.
 */
export const TOKEN_DEFAULT_HOURS = 720;
export const TOKEN_MAX_HOURS = 8760;

/** The expiry (ms) of a token made at `now` for `hours`, or a 400 naming the range. */
export function tokenExpiry(now: number, hours: number | undefined): number {
  const h = hours ?? TOKEN_DEFAULT_HOURS;
  if (!Number.isFinite(h) || h <= 0 || h > TOKEN_MAX_HOURS) {
    throw badRequest(`expiresInHours must be more than 0 and at most ${TOKEN_MAX_HOURS} (one year); without it a token lasts ${TOKEN_DEFAULT_HOURS} hours (30 days)`);
  }
  return now + Math.round(h * 3600_000);
}
