import type { LoggerOptions } from 'pino';

/**
 * What the station's logger never writes, whoever logs an object holding it:
 * credentials in request headers (bearer tokens, session cookies, the
 * replicas' shared secret) and any field named like a password, a token or a
 * message text. Nothing logs these on purpose (requests are logged by route
 * pattern, entries by count); this is the net under that rule.
 */
export const logRedaction: NonNullable<LoggerOptions['redact']> = {
  paths: [
    'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hotline-replica-secret"]', 'res.headers["set-cookie"]',
    'headers.authorization', 'headers.cookie',
    'password', '*.password', 'token', '*.token', 'secret', '*.secret', 'text', '*.text', 'body', '*.body',
  ],
  censor: '[redacted]',
};
