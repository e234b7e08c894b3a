import { useState } from 'preact/hooks';
import { lang } from '../../../app/session.ts';
import { t } from '../../../app/t.ts';
import { i18n } from '../../../i18n/index.ts';
import { knownLanguages, LANGUAGE_TAG } from './types.ts';

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

/** A language select (the console's four, or any BCP 47 tag typed in). */
export function LanguageField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(v: string): void }) {
  const [other, setOther] = useState(!(knownLanguages as readonly string[]).includes(value));
  const bad = other && value !== '' && !LANGUAGE_TAG.test(value);
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
          {knownLanguages.map((l) => <option key={l} value={l}>{languageName(l)}</option>)}
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
            pattern="[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
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
