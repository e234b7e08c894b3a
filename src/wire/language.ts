import { LanguageTag } from '../core/kinds/message.ts';

// A BCP 47 tag, loosely, as the core's message schema checks it: the one pattern.
export { LanguageTag };

/** The language tag pattern as a string, as the schema and an HTML `pattern` attribute take it. */
export const languageTagPattern: string = LanguageTag.pattern!;
const languageTag = new RegExp(languageTagPattern);

export const isLanguageTag = (tag: string): boolean => tag.length <= (LanguageTag.maxLength ?? 35) && languageTag.test(tag);

/** The languages the console speaks and a member may choose in their settings; any other tag may still be written. */
export const consoleLanguages = ['en', 'ru', 'uk', 'fr'] as const;
export type ConsoleLanguage = (typeof consoleLanguages)[number];
