import { useState } from 'preact/hooks';
import { lineUrl, post } from '../../../api/client.ts';
import { t } from '../../../app/t.ts';
import type { ItemContext } from './context.ts';
import { domId } from './types.ts';
import { refWords } from './ref-words.ts';

/** Acknowledges another party's item in the member's name; then focus moves to the item's new status. */
export function AckButton({ ctx, id, describedBy }: { ctx: ItemContext; id: string; describedBy: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const ack = async () => {
    setBusy(true);
    setError('');
    try {
      await post(lineUrl(ctx.lineId, `/items/${encodeURIComponent(id)}/ack`));
      ctx.announce(t('line:ack.done', { ref: refWords(id, ctx) }));
      await ctx.refresh();
      document.getElementById(`${domId(id)}-status`)?.focus();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="tr-ack" onClick={() => void (busy || ack())} aria-disabled={busy ? 'true' : undefined} aria-describedby={describedBy} data-action="ack">
        {busy ? t('line:ack.busy') : t('line:ack.button')}
      </button>
      {error && <span role="alert" class="error">{t('line:ack.failed', { message: error })}</span>}
    </>
  );
}
