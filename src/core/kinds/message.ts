import { Type, type Static } from '@sinclair/typebox';

// A BCP 47 tag, loosely: enough to route to a translator, not a full validator.
export const LanguageTag = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 language tag' });

export const MessageBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 16000 }),
    lang: Type.Optional(LanguageTag),
  },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageBody>;

export const MESSAGE_KIND = 'message';

/** The body as stored in the entry: what the member sent, plus who sent it. */
export const MessageEntryBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 16000 }),
    lang: Type.Optional(LanguageTag),
    from: Type.String({ description: 'the sending member, by name on the author station' }),
  },
  { additionalProperties: false },
);
export type MessageEntryBody = Static<typeof MessageEntryBody>;
