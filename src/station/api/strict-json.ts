import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../../core/errors.ts';
import { textProblem } from '../../core/kinds/text.ts';

// Request bodies are JSON in UTF-8 and nothing else. Fastify's own parser
// decodes bytes leniently (an invalid sequence becomes U+FFFD, so the station
// would sign text the sender never wrote) and passes on NUL and unpaired
// surrogates from \u escapes. This one refuses all of that before any route
// or schema sees the body, so the rule holds for every field at once.

/** Deeper than any body the API takes (a MultiPolygon is six levels). */
export const MAX_DEPTH = 32;

// Keys that mean something to JavaScript objects: refused rather than trusted
// to every later copy, merge and spread.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body's value, or a bad_request naming what is wrong with it. An empty body is no body. */
export function parseStrictJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw badRequest('the request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${String((e as Error).message).slice(0, 120)}`);
  }
  return checked(value);
}

/** Walks the value without recursion (depth is bounded, but so is the stack): strings, keys, numbers, depth. */
function checked(root: unknown): unknown {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: 'body', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) throw badRequest(`${path} ${problem}; text must be valid Unicode without NUL`);
    } else if (typeof value === 'number') {
      // JSON has no Infinity, but 1e400 parses to it.
      if (!Number.isFinite(value)) throw badRequest(`${path} is a number too large to represent`);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) throw badRequest(`the request body is nested more than ${MAX_DEPTH} levels deep`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          // -0 and 0 are one number to JSON; keep one of them.
          if (Object.is(value[i], -0)) value[i] = 0;
          stack.push({ value: value[i], path: `${path}/${i}`, depth: depth + 1 });
        }
      } else {
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          const problem = textProblem(key);
          if (problem) throw badRequest(`a key in ${path} ${problem}`);
          if (FORBIDDEN_KEYS.has(key)) throw badRequest(`${path}: the key "${key}" is not allowed`);
          if (Object.is(record[key], -0)) record[key] = 0;
          stack.push({ value: record[key], path: `${path}/${key.length > 40 ? `${key.slice(0, 40)}…` : key}`, depth: depth + 1 });
        }
      }
    }
  }
  return Object.is(root, -0) ? 0 : root;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

function utf8Declared(req: FastifyRequest): void {
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw badRequest(`the request body must be JSON in UTF-8, not ${charset.slice(0, 40) || 'an empty charset'}`);
  }
}

/** Replaces Fastify's JSON parser with the strict one and drops text/plain: the API takes JSON only. */
export function strictJson(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      utf8Declared(req);
      done(null, parseStrictJson(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // Anything else (including a body with no content type) is refused with the reason, not Fastify's bare 415.
  app.addContentTypeParser('*', (req, _payload, done) => {
    const type = String(req.headers['content-type'] ?? 'no content type').slice(0, 60);
    done(Object.assign(new Error(`the request body must be application/json in UTF-8, not ${type}`), { statusCode: 415 }), undefined);
  });
}
