import { Type, type Static } from '@sinclair/typebox';
import { errorTable, type ErrorCode } from '../core/errors.ts';
import { Words } from './words.ts';

// The one shape of every error the API sends, and the one table that maps
// each error code to its HTTP status and the CLI's exit code.
export { errorTable, type ErrorCode };

export const errorCodes = Object.keys(errorTable) as ErrorCode[];

export const ErrorReply = Type.Object({
  error: Type.Object({
    code: Words(errorCodes, { description: 'one of the error table\'s codes' }),
    message: Type.String({ description: 'what went wrong, in words for a person' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
}, { $id: 'ErrorReply', description: 'Every error the API sends has this shape' });
export type ErrorReply = Static<typeof ErrorReply>;
