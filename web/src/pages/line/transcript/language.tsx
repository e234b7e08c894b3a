import { useState } from 'preact/hooks';
import { lang } from '../../../app/session.ts';
import { t } from '../../../app/t.ts';
import { i18n } from '../../../i18n/index.ts';
import { consoleLanguages, isLanguageTag, languageTagPattern } from '../../../../../src/wire/language.ts';

/** "Русский (ru)": a language tag in the reader's own language, with the tag itself. */
export function languageName(tag: string | null | undefined): string {
  if (!tag) return t('line:lang.unknown');
  void lang.value;
  try {
    const name = new Intl.DisplayNames([i18n.language], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** A language select (the console's languages, or any BCP 47 tag typed in). */
export function LanguageField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(v: string): void }) {
  const [other, setOther] = useState(!(consoleLanguages as readonly string[]).includes(value));
  const bad = other && value !== '' && !isLanguageTag(value);
  return (
    <>
      <label for={`${id}-lang`}>
        {label}
        <select
          id={`${id}-lang`}
          value={other ? 'other' : value}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v === 'other') {
              setOther(true);
              onChange('');
            } else {
              setOther(false);
              onChange(v);
            }
          }}
        >
          {consoleLanguages.map((l) => <option key={l} value={l}>{languageName(l)}</option>)}
          <option value="other">{t('line:lang.other')}</option>
        </select>
      </label>
      {other && (
        <label for={`${id}-tag`}>
          {t('line:lang.tag')}
          <input
            id={`${id}-tag`}
            value={value}
            required
            pattern={languageTagPattern}
            maxLength={35}
            size={10}
            aria-invalid={bad ? 'true' : undefined}
            aria-describedby={`${id}-tag-hint`}
            onInput={(e) => onChange(e.currentTarget.value.trim())}
          />
          <span id={`${id}-tag-hint`} class={bad ? 'error tr-small' : 'tr-hint tr-small'}>{t('line:lang.tagHint')}</span>
        </label>
      )}
    </>
  );
}
