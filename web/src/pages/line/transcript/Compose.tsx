import { useRef, useState } from 'preact/hooks';
import { lineUrl, post } from '../../../api/client.ts';
import { lang, zone } from '../../../app/session.ts';
import { formatTime } from '../../../i18n/index.ts';
import { t } from '../../../app/t.ts';
import { LanguageField, languageName } from './language.tsx';
import { precedences } from '../../../../../src/wire/precedence.ts';
import { isLanguageTag } from '../../../../../src/wire/language.ts';
import type { Template } from './types.ts';

/** Write a message (precedence, language) or send a pre-agreed template in a chosen language. */
export function Compose({ lineId, templates, onSent }: { lineId: string; templates: Template[]; onSent(): Promise<void> | void }) {
  const [text, setText] = useState('');
  const [precedence, setPrecedence] = useState<string>('ROUTINE');
  const [exercise, setExercise] = useState(false);
  const [language, setLanguage] = useState<string>(lang.value);
  const [number, setNumber] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const template = number === null ? undefined : templates.find((x) => x.number === number);
  const templateText = template?.texts[language];

  const chooseTemplate = (value: string) => {
    const n = value === '' ? null : Number(value);
    setNumber(n);
    setError('');
    const tpl = templates.find((x) => x.number === n);
    if (tpl) {
      setPrecedence(tpl.precedence ?? 'ROUTINE');
      if (!tpl.texts[language]) {
        const first = Object.keys(tpl.texts).find((l) => l === lang.value) ?? Object.keys(tpl.texts)[0];
        if (first) setLanguage(first);
      }
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setDone('');
    if (!isLanguageTag(language)) return setError(t('line:lang.bad'));
    if (template && templateText === undefined) return setError(t('line:compose.templateMissing', { number: template.number, lang: languageName(language), langs: Object.keys(template.texts).map(languageName).join(', ') }));
    if (!template && !text.trim()) {
      setError(t('line:compose.empty'));
      area.current?.focus();
      return;
    }
    setBusy(true);
    setError('');
    try {
      const body = { ...(template ? { template: template.number } : { text }), lang: language, precedence, ...(exercise ? { exercise: true } : {}) };
      const r = await post<{ time: number }>(lineUrl(lineId, '/messages'), body);
      setText('');
      setNumber(null);
      setPrecedence('ROUTINE');
      setDone(t('line:compose.sent', { time: formatTime(r.time, zone.value, 'time') }));
      await onSent();
      area.current?.focus();
    } catch (err) {
      setError(t('line:compose.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class={`tr-compose tr-compose-${precedence}${exercise ? ' tr-compose-exercise' : ''}`} data-testid="compose" onSubmit={submit} aria-labelledby="tr-compose-h" noValidate>
      <h2 id="tr-compose-h">{t('line:compose.title')}</h2>
      <div class="tr-row">
        <label for="tr-compose-template">
          {t('line:compose.template')}
          <select id="tr-compose-template" value={number === null ? '' : String(number)} onChange={(e) => chooseTemplate(e.currentTarget.value)}>
            <option value="">{t('line:compose.noTemplate')}</option>
            {templates.map((x) => (
              <option key={x.number} value={String(x.number)}>{x.title ? t('line:compose.templateOption', { number: x.number, title: x.title }) : t('line:compose.templateUntitled', { number: x.number })}</option>
            ))}
          </select>
        </label>
        <label for="tr-compose-precedence">
          {t('line:compose.precedence')}
          <select id="tr-compose-precedence" value={precedence} onChange={(e) => setPrecedence(e.currentTarget.value)} class={`tr-select-${precedence}`}>
            {precedences.map((p) => <option key={p} value={p}>{t(`precedence.${p}`)}</option>)}
          </select>
        </label>
        <LanguageField id="tr-compose" label={t('line:compose.lang')} value={language} onChange={setLanguage} />
        <label class="tr-exercise-choice">
          <input type="checkbox" checked={exercise} onChange={(e) => setExercise(e.currentTarget.checked)} data-testid="compose-exercise" /> {t('exercise.compose')}
        </label>
      </div>
      {template ? (
        <section class="tr-template-preview" aria-labelledby="tr-compose-tpl-h" data-template={template.number}>
          <h3 id="tr-compose-tpl-h">{template.title ? t('line:compose.templateOption', { number: template.number, title: template.title }) : t('line:compose.templateUntitled', { number: template.number })}</h3>
          {templateText !== undefined ? (
            <p class="tr-text" lang={language}>{templateText}</p>
          ) : (
            <p class="error">{t('line:compose.templateMissing', { number: template.number, lang: languageName(language), langs: Object.keys(template.texts).map(languageName).join(', ') })}</p>
          )}
        </section>
      ) : (
        <label for="tr-compose-text" class="tr-grow">
          {t('line:compose.text')}
          <textarea
            id="tr-compose-text"
            ref={area}
            rows={4}
            maxLength={16000}
            value={text}
            lang={language || undefined}
            aria-describedby="tr-compose-hint"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
            }}
          />
        </label>
      )}
      <div class="tr-row tr-send-row">
        <button type="submit" class={precedence === 'FLASH' ? 'danger' : ''} aria-disabled={busy ? 'true' : undefined}>
          {busy ? t('line:compose.sending') : t('line:compose.send', { precedence: t(`precedence.${precedence}`) })}
        </button>
        <span id="tr-compose-hint" class="tr-hint">{t('line:compose.hint')}</span>
        <span role="status" class="tr-done">{done}</span>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}
