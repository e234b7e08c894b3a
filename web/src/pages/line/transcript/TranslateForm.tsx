import { useEffect, useRef, useState } from 'preact/hooks';
import { lineUrl, post } from '../../../api/client.ts';
import { lang } from '../../../app/session.ts';
import { t } from '../../../app/t.ts';
import type { ItemContext } from './context.ts';
import { LanguageField } from './language.tsx';
import { consoleLanguages, isLanguageTag } from '../../../../../src/wire/language.ts';
import { translationStages } from '../../../../../src/wire/translation-stage.ts';
import { domId, type MessageView } from './types.ts';

/** Attach a translation (sight, rough or official) beside a message's original. */
export function TranslateForm({ ctx, message, onClose }: { ctx: ItemContext; message: MessageView; onClose(): void }) {
  const base = `${domId(message.id)}-tr`;
  const initial = lang.value !== message.lang ? lang.value : consoleLanguages.find((l) => l !== message.lang) ?? 'en';
  const [text, setText] = useState('');
  const [language, setLanguage] = useState<string>(initial);
  const [stage, setStage] = useState<string>('rough');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!text.trim()) return setError(t('line:translate.empty'));
    if (!isLanguageTag(language)) return setError(t('line:lang.bad'));
    setBusy(true);
    setError('');
    try {
      await post(lineUrl(ctx.lineId, `/messages/${encodeURIComponent(message.id)}/translations`), { text, lang: language, stage });
      ctx.announce(t('line:translate.done', { ref: message.id }));
      onClose();
      await ctx.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="tr-translate" data-testid="translate" onSubmit={submit} aria-labelledby={`${base}-h`}>
      <h4 id={`${base}-h`}>{t('line:translate.title', { ref: `“${message.text.length > 48 ? `${message.text.slice(0, 47)}…` : message.text}” (${message.party})` })}</h4>
      <label for={`${base}-text`} class="tr-grow">
        {t('line:translate.text')}
        <textarea
          id={`${base}-text`}
          rows={3}
          value={text}
          lang={language || undefined}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
            if (e.key === 'Escape') onClose();
          }}
          ref={area}
        />
      </label>
      <div class="tr-row">
        <LanguageField id={base} label={t('line:translate.lang')} value={language} onChange={setLanguage} />
        <label for={`${base}-stage`}>
          {t('line:translate.stage')}
          <select id={`${base}-stage`} value={stage} onChange={(e) => setStage(e.currentTarget.value)}>
            {translationStages.map((s) => <option key={s} value={s}>{t(`line:stage.${s}`)}</option>)}
          </select>
        </label>
      </div>
      <div class="tr-row">
        <button type="submit" aria-disabled={busy ? 'true' : undefined}>{busy ? t('line:translate.busy') : t('line:translate.submit')}</button>
        <button type="button" class="secondary" onClick={onClose}>{t('line:translate.cancel')}</button>
      </div>
      {error && <p role="alert" class="error">{t('line:translate.failed', { message: error })}</p>}
    </form>
  );
}
