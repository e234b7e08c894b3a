import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/t.ts';

/**
 * Something the station shows exactly once (recovery codes, a new API token):
 * a warning, the value, a way to copy it, and a button to put it away. Focus
 * moves here so a screen reader hears the warning first.
 */
export function OnceSecret({ title, warning, values, testid, onDone }: { title: string; warning: string; values: string[]; testid: string; onDone: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState('');
  useEffect(() => box.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(values.join('\n'));
      setCopied(t('security:once.copied'));
    } catch {
      setCopied(t('security:once.copyFailed'));
    }
  };
  return (
    <div class="once" ref={box} tabIndex={-1} role="group" aria-labelledby={`${testid}-title`}>
      <h3 id={`${testid}-title`}>{title}</h3>
      <p class="warning"><strong>{t('security:once.warningLabel')}</strong> {warning}</p>
      {values.length === 1 ? (
        <code class="mono secret" data-testid={testid}>{values[0]}</code>
      ) : (
        <ol class="codes mono" data-testid={testid}>
          {values.map((v) => <li key={v}>{v}</li>)}
        </ol>
      )}
      <p class="actions">
        <button type="button" class="secondary" onClick={copy}>{t('security:once.copy')}</button>
        <button type="button" onClick={onDone}>{t('security:once.done')}</button>
        <span role="status">{copied}</span>
      </p>
    </div>
  );
}
