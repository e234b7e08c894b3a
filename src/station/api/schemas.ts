import { Type } from '@sinclair/typebox';
import { roles } from '../../core/role.ts';
export { Text } from '../../core/kinds/text.ts';

// Wire shapes shared by the routes and the OpenAPI document.

/**
 * The largest sequence number, index or tree size a path or query may name:
 * far beyond any log, and small enough that seq + 1 is still exact.
 */
export const MAX_POSITION = 2 ** 48;

/** A position in a log (entries, tiles, proofs). Path and query numbers are strict decimal (input-rules.ts). */
export const Position = (options: { minimum?: number; default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: 0, maximum: MAX_POSITION, ...options });

export const ErrorReply = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
});

export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));

export const MemberView = Type.Object({ id: Type.Integer(), name: Type.String(), role: RoleSchema, disabled: Type.Optional(Type.Boolean()) });

export const LineParams = Type.Object({ line: Type.String({ maxLength: 64 }) });
export const LogParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }) });
export const EntryParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }), seq: Position() });

export const LineView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  discreet: Type.Boolean(),
  createdAt: Type.Integer(),
  parties: Type.Array(Type.Object({ name: Type.String(), key: Type.String() })),
  members: Type.Array(Type.String()),
});

export const EntryView = Type.Object({
  party: Type.String(),
  seq: Type.Integer(),
  time: Type.Integer(),
  kind: Type.String(),
  body: Type.Record(Type.String(), Type.Unknown()),
  seen: Type.Record(Type.String(), Type.Integer()),
  leafHash: Type.String({ description: 'base64 RFC 6962 leaf hash' }),
  signature: Type.String(),
});

export const Base64Hashes = Type.Array(Type.String({ description: 'base64 SHA-256 hash' }));

export const ItemParams = Type.Object({ line: Type.String({ maxLength: 64 }), id: Type.String({ maxLength: 80, description: 'an entry id, "Party:seq"' }) });

export const Appended = Type.Object({ id: Type.String(), party: Type.String(), seq: Type.Integer(), time: Type.Integer(), leafHash: Type.String() });

export const Period = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'ms since the epoch, inclusive' })),
  to: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'ms since the epoch, exclusive' })),
});
