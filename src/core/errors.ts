// One table maps each error code to its HTTP status and CLI exit code, so the
// API, the CLI and the console all report the same failure the same way.

export const errorTable = {
  bad_request: { status: 400, exit: 2 },
  unauthenticated: { status: 401, exit: 3 },
  forbidden: { status: 403, exit: 3 },
  not_found: { status: 404, exit: 4 },
  conflict: { status: 409, exit: 5 },
  too_large: { status: 413, exit: 2 },
  /** Too many sign-in attempts (or requests) for now: wait Retry-After seconds. */
  rate_limited: { status: 429, exit: 6 },
  /** An account locked after repeated sign-in failures, until a time or an admin's unlock. */
  locked: { status: 423, exit: 3 },
  unavailable: { status: 503, exit: 6 },
  /** The station's TLS certificate did not verify against --ca, --pin or the system CAs (the CLI's; nothing was sent). */
  untrusted: { status: 502, exit: 7 },
  integrity: { status: 500, exit: 10 },
  internal: { status: 500, exit: 1 },
} as const;

export type ErrorCode = keyof typeof errorTable;

/** An expected failure: bad input, missing rights, a broken record. Anything else is a bug. */
export class HotlineError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HotlineError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return errorTable[this.code].status;
  }
  get exitCode(): number {
    return errorTable[this.code].exit;
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new HotlineError('bad_request', message, details);
// A line the asker may not see must look exactly like a line that does not exist.
export const lineNotFound = () => new HotlineError('not_found', 'no such line');
