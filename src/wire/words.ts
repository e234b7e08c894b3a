import { Type, type TUnsafe } from '@sinclair/typebox';

/**
 * A string that is one of a fixed list of words, as `{ type: string, enum }`.
 * A union of literals would mean the same, but the response serializer tries
 * each branch of an anyOf with a validator, and one word that is not listed
 * would turn a reply into a 500; an enum serializes as a plain string.
 */
export function Words<const T extends readonly string[]>(words: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...words], ...options });
}

/** A value or null: the views say null rather than leave a member out. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Milliseconds since the Unix epoch. */
export const Time = (description = 'ms since the epoch') => Type.Integer({ description });

/** An entry id, "Party:seq". */
export const EntryId = Type.String({ description: 'an entry id, "Party:seq"' });
