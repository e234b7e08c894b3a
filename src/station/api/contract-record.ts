import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Test support for the API contract: with HOTLINE_CONTRACT_RECORD naming a
 * directory, every response's method, route pattern, status, content type and
 * (JSON) body is appended as one JSON line to `<dir>/<pid>.jsonl`, for
 * test/api-contract.test.ts to check against the OpenAPI document.
 *
 * A directory, not a file: during `npm test` dozens of station processes and
 * test processes answer requests at once, and one file per process keeps every
 * line whole without any locking. Unset (every real station), no hook is added.
 */
export function contractRecord(app: FastifyInstance, dir: string | undefined = process.env.HOTLINE_CONTRACT_RECORD): void {
  if (!dir) return;
  let fd: number | undefined;
  let broken = false;
  const append = (line: string) => {
    // The record must never change a response: any failure to write turns recording off for this process.
    if (broken) return;
    try {
      if (fd === undefined) {
        mkdirSync(dir, { recursive: true });
        fd = openSync(join(dir, `${process.pid}.jsonl`), 'a');
      }
      // Synchronous, so that a station stopped by SIGTERM right after answering has already written it.
      writeSync(fd, line);
    } catch {
      broken = true;
    }
  };
  app.addHook('onSend', async (req, reply, payload) => {
    try {
      const contentType = String(reply.getHeader('content-type') ?? '');
      const entry: Record<string, unknown> = {
        method: req.method,
        // Undefined when no route matched (Fastify's own 404): nothing in the document to check it against.
        route: req.routeOptions.url ?? null,
        status: reply.statusCode,
        contentType,
      };
      if ((req.routeOptions.schema as { hide?: boolean } | undefined)?.hide) entry.hidden = true;
      if (/^application\/(.+\+)?json\b/.test(contentType) && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        entry.body = JSON.parse(String(payload));
      }
      append(`${JSON.stringify(entry)}\n`);
    } catch {
      // A body that is not the JSON it claims to be is for the contract test to see, not for the client to feel.
      append(`${JSON.stringify({ method: req.method, route: req.routeOptions.url ?? null, status: reply.statusCode, unparsable: true })}\n`);
    }
    return payload;
  });
  app.addHook('onClose', async () => {
    const open = fd;
    fd = undefined;
    try {
      if (open !== undefined) closeSync(open);
    } catch {
      // Already gone: nothing was lost that a close would have kept.
    }
  });
}
