import { Type, type Static } from '@sinclair/typebox';
import { consoleLanguages } from './language.ts';

/** A name in some of the console's languages: { ru: 'Москва', uk: 'Москва' }. */
const PerLanguage = Type.Object(
  Object.fromEntries(consoleLanguages.map((l) => [l, Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))])),
  { additionalProperties: false },
);

/**
 * How this station's people call the lines and the parties in their own
 * languages. Local to the station (the line's title and the parties' names in
 * the record do not change); the console shows the member's language's name
 * where one is given, and the recorded one otherwise.
 */
export const Names = Type.Object({
  lines: Type.Record(Type.String({ maxLength: 100 }), PerLanguage, { maxProperties: 500 }),
  parties: Type.Record(Type.String({ maxLength: 64 }), PerLanguage, { maxProperties: 500 }),
}, { additionalProperties: false });
export type Names = Static<typeof Names>;
