// Wire shapes the Transcript tab reads: the station's own views (src/wire), nothing redefined here.
import type { TranscriptItem, TranscriptPage as WirePage } from '../../../../../src/wire/transcript.ts';

export type { MessageStatus, MessageView } from '../../../../../src/wire/message.ts';
export type { CheckStatus, CheckView } from '../../../../../src/wire/check.ts';
export type { TemplateView as Template } from '../../../../../src/wire/line-config.ts';

/** A transcript entry; its body is read field by field, whatever its kind, so it is typed loosely here. */
export type RawItem = Omit<TranscriptItem, 'body'> & { body: Record<string, any> };
export type TranscriptPage = Omit<WirePage, 'items'> & { items: RawItem[] };

export const idOf = (x: { party: string; seq: number }) => `${x.party}:${x.seq}`;

/** "Party:seq" of an entry reference in a body field, if it is one. */
export function refOf(body: Record<string, any> | undefined, field: string): string | undefined {
  const r = body?.[field];
  return r && typeof r.party === 'string' && typeof r.seq === 'number' ? idOf(r) : undefined;
}

/** A DOM id for an entry ("Party:seq" has a colon, awkward in selectors). */
export const domId = (id: string) => `tr-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
