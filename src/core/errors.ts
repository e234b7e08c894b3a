// One table maps each error code to its HTTP status and CLI exit code, so the
// API, the CLI and the console all report the same failure the same way.

export const errorTable = {
  bad_request: { status: 400, exit: 2 },
  unauthenticated: { status: 401, exit: 3 },
  forbidden: { status: 403, exit: 3 },
  not_found: { status: 404, exit: 4 },
  conflict: { status: 409, exit: 5 },
  too_large: { status: 413, exit: 2 },
  rate_limited: { status: 429, exit: 6 },
  unavailable: { status: 503, exit: 6 },
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
