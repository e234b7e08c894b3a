import type { FastifyInstance } from 'fastify';

/**
 * Test support for the API contract: with HOTLINE_CONTRACT_RECORD set, every
 * response's method, route pattern, status and body are appended to that file,
 * for test/api-contract.test.ts to check against the OpenAPI document.
 */
export function contractRecord(_app: FastifyInstance, _file: string | undefined = process.env.HOTLINE_CONTRACT_RECORD): void {
  // Filled in by the contract work.
}
