import { Type, type Static } from '@sinclair/typebox';
import { LanguageTag } from './message.ts';
import { EntryRef, PersonName } from './ref.ts';
import { Text } from './text.ts';

export const READOUT_KIND = 'readout';

export const ReadoutText = Type.String({ minLength: 1, maxLength: 32000 });
/** A readout as a member writes it (the text rule). */
export const ReadoutTextInput = Text({ minLength: 1, maxLength: 32000 });

/** A party's published account of a call; publishing again appends the next version. */
export const ReadoutEntryBody = Type.Object(
  {
    call: EntryRef,
    text: ReadoutText,
    lang: Type.Optional(LanguageTag),
    /** Marked for a press statement; never on a discreet line. */
    public: Type.Boolean(),
    by: PersonName,
  },
  { additionalProperties: false },
);
export type ReadoutEntryBody = Static<typeof ReadoutEntryBody>;
