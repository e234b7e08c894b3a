import { Type, type Static } from '@sinclair/typebox';
import { LanguageTag, MessageText, MessageTextInput } from './message.ts';
import { EntryRef, PersonName } from './ref.ts';

export const TRANSLATION_KIND = 'translation';

// Sight: read off at once; rough: a working draft; official: the agreed text.
export const translationStages = ['sight', 'rough', 'official'] as const;
export const TranslationStage = Type.Union(translationStages.map((s) => Type.Literal(s)));

export const TranslationBody = Type.Object(
  { text: MessageTextInput, lang: LanguageTag, stage: TranslationStage },
  { additionalProperties: false },
);
export type TranslationBody = Static<typeof TranslationBody>;

/** A translation of a message; the original stays untouched beside it. */
export const TranslationEntryBody = Type.Object(
  { ref: EntryRef, text: MessageText, lang: LanguageTag, stage: TranslationStage, translator: PersonName },
  { additionalProperties: false },
);
export type TranslationEntryBody = Static<typeof TranslationEntryBody>;
