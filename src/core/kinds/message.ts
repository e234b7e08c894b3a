import { Type, type Static } from '@sinclair/typebox';
import { PrecedenceSchema } from './precedence.ts';
import { PersonName } from './ref.ts';
import { Text } from './text.ts';

// A BCP 47 tag, loosely: enough to route to a translator, not a full validator.
export const LanguageTag = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35, description: 'BCP 47 language tag' });

export const MessageText = Type.String({ minLength: 1, maxLength: 16000 });
/** The same, as a member may write it (the text rule); entries already signed keep the looser schema above. */
export const MessageTextInput = Text({ minLength: 1, maxLength: 16000 });

/** What a member sends: text, or a pre-agreed template by number. */
export const MessageBody = Type.Object(
  {
    text: Type.Optional(MessageTextInput),
    lang: Type.Optional(LanguageTag),
    precedence: Type.Optional(PrecedenceSchema),
    template: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, description: 'send the line\'s template with this number, in `lang`' })),
    exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })),
  },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageBody>;

export const MESSAGE_KIND = 'message';

/**
 * The body as stored in the entry. The deadline is fixed by the sender when
 * it writes, so both sides judge "overdue" from the same signed number.
 */
export const MessageEntryBody = Type.Object(
  {
    text: MessageText,
    lang: Type.Optional(LanguageTag),
    from: PersonName,
    precedence: Type.Optional(PrecedenceSchema),
    /** Milliseconds since the epoch by which the other side should acknowledge. */
    ackBy: Type.Optional(Type.Integer({ minimum: 0 })),
    template: Type.Optional(Type.Integer({ minimum: 1, maximum: 999 })),
    exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })),
  },
  { additionalProperties: false },
);
export type MessageEntryBody = Static<typeof MessageEntryBody>;
