// The error responses an operation documents. Every one has the one error
// shape (error.ts, registered with the API as 'ErrorReply'); the status says
// which kind of refusal it is, and the description what it means to a client.

/** The statuses the API refuses with (error.ts's table, and 415 from the body parser). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 423 | 429 | 503;

const meaning: Record<ErrorStatus, string> = {
  400: 'bad_request: the path, query or body does not match this operation (the message says which part)',
  401: 'unauthenticated: no bearer token, or one that is unknown, expired, idle too long or revoked',
  403: 'forbidden: the member may not do this, must enrol a second factor first, or the request came from a page on another site (Origin)',
  404: 'not_found: no such thing here, or nothing this member may see (a discreet line looks exactly like a missing one)',
  409: 'conflict: the request contradicts what the station holds (a name taken, a state that no longer allows it)',
  413: 'too_large: the request body is over the limit',
  415: 'bad_request: the request body is not application/json in UTF-8',
  423: 'locked: the account is locked after repeated sign-in failures, until details.lockedUntil or an admin unlocks it',
  429: 'rate_limited: too many attempts for now; wait Retry-After seconds',
  503: 'unavailable: the station cannot serve this now (a replica that cannot reach its leader, the database or a link down); try again after Retry-After seconds',
};

/** Clients wait this long rather than hammer. */
const retryAfter = { 'retry-after': { type: 'integer', minimum: 0, description: 'seconds to wait before trying again' } } as const;

export interface ErrorResponse {
  $ref: 'ErrorReply#';
  description: string;
  headers?: typeof retryAfter;
}

/** `{ 400: { $ref: 'ErrorReply#', description }, ... }` for an operation's response schemas. */
export function errors<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  const out = {} as Record<S, ErrorResponse>;
  for (const status of statuses) {
    out[status] = { $ref: 'ErrorReply#', description: meaning[status], ...(status === 429 || status === 503 ? { headers: retryAfter } : {}) };
  }
  return out;
}

/**
 * What any signed-in request may be refused with: no valid token (401); a
 * refusal, a second factor still to enrol or a page on another site (403);
 * a station that cannot serve it now (503).
 */
export const signedIn = [401, 403, 503] as const satisfies readonly ErrorStatus[];

/** What a request that may carry a body may also be refused with: malformed (400), too large (413), not JSON (415). */
export const withBody = [400, 413, 415] as const satisfies readonly ErrorStatus[];

/** A response with no body (204). */
export const noContent = (description: string) => ({ type: 'null', description }) as const;
