import { t } from '../app/t.ts';
import { formatDuration } from '../i18n/index.ts';
import type { CallView } from './types.ts';

/** Who called whom, in words. */
export function whoCalled(c: CallView): { from: string; to: string } {
  return {
    from: t('calls:person', { name: c.from, party: c.party }),
    to: c.to ? t('calls:person', { name: c.to, party: c.toParty }) : c.toParty,
  };
}

/** A call's outcome in words, never by colour alone. */
export function outcome(c: CallView): string {
  const by = c.answer?.by ?? '';
  switch (c.status) {
    case 'ringing':
      return t('calls:status.ringing');
    case 'accepted':
      return t('calls:status.accepted', { by });
    case 'declined':
      return c.answer?.reason ? t('calls:status.declinedReason', { by, reason: c.answer.reason }) : t('calls:status.declined', { by });
    case 'unanswered':
      return t('calls:status.unanswered');
    case 'cancelled':
      return t('calls:status.cancelled', { by: by || c.from });
    case 'ended':
      return t('calls:status.ended', { duration: formatDuration(c.durationMs) });
    default:
      return String(c.status);
  }
}
