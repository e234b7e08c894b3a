import type { FastifyInstance } from 'fastify';
import { lineGate } from './line-gate.ts';
import { strictJson } from './strict-json.ts';
import { strictParams } from './strict-params.ts';

/**
 * What every request's input must satisfy before a route sees it, and the
 * authorisation on a line that comes before validation so that a caller
 * without the right learns nothing about the schema. In request order:
 * authentication (app.ts), the line gate (line-gate.ts), the body as strict
 * UTF-8 JSON (strict-json.ts), path and query numbers in plain decimal
 * (strict-params.ts), then the route's schema. Called on the root instance
 * before any route is registered, so every route gets all of it.
 */
export async function inputRules(app: FastifyInstance): Promise<void> {
  lineGate(app);
  strictJson(app);
  strictParams(app);
}
