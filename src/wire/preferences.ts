import { Type, type Static } from '@sinclair/typebox';
import { consoleLanguages } from './language.ts';
import { Words } from './words.ts';

/** A member's console preferences; each is absent until set. */
export const Preferences = Type.Object(
  {
    lang: Type.Optional(Words(consoleLanguages, { description: 'the console\'s language' })),
    zone: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$', description: 'IANA time zone for dates and times' })),
    quiet: Type.Optional(Type.String({ maxLength: 300, pattern: '^([a-z-]+(,[a-z-]+)*)?$', description: 'alarm kinds that chime once instead of repeating until acknowledged, comma-separated (e.g. link,conflict)' })),
  },
  { additionalProperties: false },
);
export type Preferences = Static<typeof Preferences>;
