import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../core/errors.ts';

/** Reads a JSON config file, fills defaults and validates it, with messages that name the file and field. */
export function readJsonConfig<T extends TSchema>(schema: T, path: string, missingHint: string): Static<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new HotlineError('not_found', missing ? `nothing set up in ${resolve(dirname(path))} (${missingHint})` : `${path} is not valid JSON`);
  }
  const config = Value.Default(schema, raw);
  if (!Value.Check(schema, config)) {
    const first = [...Value.Errors(schema, config)][0];
    throw new HotlineError('bad_request', `${path}: ${first.path || '/'} ${first.message}`);
  }
  return config as Static<T>;
}
