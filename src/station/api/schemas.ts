import { Type } from '@sinclair/typebox';
export { Text } from '../../core/kinds/text.ts';

// The shapes of what routes take (paths, queries, text); the views they answer with are in src/wire.

/**
 * The largest sequence number, index or tree size a path or query may name:
 * far beyond any log, and small enough that seq + 1 is still exact.
 */
export const MAX_POSITION = 2 ** 48;

/** A position in a log (entries, tiles, proofs). Path and query numbers are strict decimal (input-rules.ts). */
export const Position = (options: { minimum?: number; default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: 0, maximum: MAX_POSITION, ...options });

// The one error shape lives in the wire module; the app registers it as 'ErrorReply'.
export { ErrorReply } from '../../wire/error.ts';

export const LineParams = Type.Object({ line: Type.String({ maxLength: 64 }) });
export const LogParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }) });
export const EntryParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }), seq: Position() });

export const ItemParams = Type.Object({ line: Type.String({ maxLength: 64 }), id: Type.String({ maxLength: 80, description: 'an entry id, "Party:seq"' }) });

export const Period = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'ms since the epoch, inclusive' })),
  to: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'ms since the epoch, exclusive' })),
});
