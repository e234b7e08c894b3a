import { Type, type Static } from '@sinclair/typebox';
import { PrecedenceSchema } from './precedence.ts';
import { LanguageTag } from './message.ts';
import { Text } from './text.ts';

export const TEMPLATE_KIND = 'template';

/** A pre-agreed, numbered message in several languages, used by number. */
const LANGUAGE_KEY = LanguageTag.pattern!;

export const TemplateBody = Type.Object(
  {
    title: Type.Optional(Text({ maxLength: 200 })),
    texts: Type.Record(Type.String({ pattern: LANGUAGE_KEY }), Text({ minLength: 1, maxLength: 4000 }), { minProperties: 1, maxProperties: 8 }),
    precedence: Type.Optional(PrecedenceSchema),
  },
  { additionalProperties: false },
);
export type TemplateBody = Static<typeof TemplateBody>;

export const TemplateEntryBody = Type.Object(
  {
    number: Type.Integer({ minimum: 1, maximum: 999 }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    texts: Type.Record(Type.String({ pattern: LANGUAGE_KEY }), Type.String({ minLength: 1, maxLength: 4000 }), { minProperties: 1, maxProperties: 8 }),
    precedence: Type.Optional(PrecedenceSchema),
  },
  { additionalProperties: false },
);
export type TemplateEntryBody = Static<typeof TemplateEntryBody>;
