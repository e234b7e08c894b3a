import { formatTime } from '../../../i18n/index.ts';
import type { ItemContext } from './context.ts';

const excerpt = (text: string, max = 48) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/**
 * An entry that another entry names, told the way people tell it: a message
 * by its first words, party and time (“Launch detected…” (Washington,
 * 09:40:12)), anything else by its party and time; never by its internal
 * reference ("Washington:16"). Language-neutral, so every sentence can take it.
 */
export function refWords(ref: string, ctx: ItemContext): string {
  const m = ctx.messages.get(ref);
  if (m) return `“${excerpt(m.text)}” (${m.party}, ${formatTime(m.time, ctx.zone, 'time')})`;
  const e = ctx.entries.get(ref);
  if (e) {
    const text = typeof e.body?.text === 'string' ? `“${excerpt(e.body.text)}” ` : '';
    return `${text}(${e.party}, ${formatTime(e.time, ctx.zone, 'time')})`;
  }
  // Not in view (further back than the page shows): its party, which the reference itself tells.
  const party = ref.includes(':') ? ref.slice(0, ref.lastIndexOf(':')) : '';
  return party ? `(${party})` : '';
}
