import { t } from '../../../app/t.ts';
import { formatTime } from '../../../i18n/index.ts';
import { AckButton } from './AckButton.tsx';
import type { ItemContext } from './context.ts';
import { languageName } from './language.tsx';
import { domId, idOf, refOf, type RawItem } from './types.ts';
import { refWords } from './ref-words.ts';

const words = (ref: string | undefined, ctx: ItemContext) => (ref ? refWords(ref, ctx) : '');
import { linkStates } from '../../../../../src/wire/link-status.ts';
import { noticeKinds } from '../../../../../src/wire/notice-kind.ts';

/** What kind of thing an entry reference points at, for the sentence that names it. */
function targetKind(ref: string, ctx: ItemContext): 'message' | 'check' | 'notice' | 'entry' {
  if (ctx.messages.has(ref)) return 'message';
  if (ctx.checks.has(ref)) return 'check';
  const k = ctx.entries.get(ref)?.kind;
  return k === 'message' || k === 'check' || k === 'notice' ? k : 'entry';
}

const short = (s: unknown, n = 140) => {
  const text = String(s ?? '').replace(/\s+/g, ' ').trim();
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
};

/** One sentence for an entry that is not a message, so the transcript reads as the whole record. */
export function describe(item: RawItem, ctx: ItemContext): string {
  const b = item.body ?? {};
  const party = item.party;
  const by = String(b.by ?? b.from ?? '');
  switch (item.kind) {
    case 'ack': {
      const ref = refOf(b, 'ref') ?? '?';
      return t(`line:event.ack.${targetKind(ref, ctx)}`, { party, by, ref: words(ref, ctx) });
    }
    case 'translation':
      return t('line:event.translation', { party, by: b.translator ?? '', ref: words(refOf(b, 'ref'), ctx), lang: languageName(b.lang), stage: t(`line:stage.${b.stage}`) });
    case 'escalation':
      return b.notify
        ? t('line:event.escalation', { party, ref: words(refOf(b, 'ref'), ctx), level: b.level, notify: b.notify })
        : t('line:event.escalationNobody', { party, ref: words(refOf(b, 'ref'), ctx), level: b.level });
    case 'call.request':
      return b.to ? t('line:event.call.requestTo', { party, from: b.from ?? '', to: b.to, toParty: b.toParty ?? '' }) : t('line:event.call.request', { party, from: b.from ?? '', toParty: b.toParty ?? '' });
    case 'call.accept':
      return t('line:event.call.accept', { party, by, ref: words(refOf(b, 'call'), ctx) });
    case 'call.decline':
      return b.reason ? t('line:event.call.declineReason', { party, by, ref: words(refOf(b, 'call'), ctx), reason: short(b.reason) }) : t('line:event.call.decline', { party, by, ref: words(refOf(b, 'call'), ctx) });
    case 'call.unanswered':
      return t('line:event.call.unanswered', { party, ref: words(refOf(b, 'call'), ctx) });
    case 'call.cancel':
      return t('line:event.call.cancel', { party, by, ref: words(refOf(b, 'call'), ctx) });
    case 'call.end':
      return t('line:event.call.end', { party, by, ref: words(refOf(b, 'call'), ctx) });
    case 'readout':
      return t(b.public ? 'line:event.readoutPublic' : 'line:event.readout', { party, by, ref: words(refOf(b, 'call'), ctx) });
    case 'notice':
      return t('line:event.notice', { party, by, kind: t(`line:noticeKind.${(noticeKinds as readonly string[]).includes(b.kind) ? b.kind : 'other'}`), text: short(b.text) });
    case 'notice.withdraw':
      return t('line:event.noticeWithdraw', { party, by, ref: words(refOf(b, 'notice'), ctx) });
    case 'conflict': {
      const [a, c] = Array.isArray(b.notices) ? b.notices.map((n: any) => words(n ? idOf(n) : undefined, ctx)) : ['', ''];
      return t('line:event.conflict', { party, a, b: c });
    }
    case 'check.missed': {
      const link = Object.entries((b.link ?? {}) as Record<string, string>).map(([p, s]) => `${p}: ${t(`line:link.${(linkStates as readonly string[]).includes(s) ? s : 'unknown'}`)}`).join(', ');
      return t('line:event.checkMissed', { party, ref: words(refOf(b, 'check'), ctx), link: link || t('line:link.unknown') });
    }
    case 'line.test':
      return t('line:event.lineTest', { party });
    case 'line.test.reply':
      return t('line:event.lineTestReply', { party, ref: words(typeof b.party === 'string' ? `${b.party}:${b.seq}` : undefined, ctx) });
    case 'line.settings':
      return t('line:event.settings', { party });
    case 'template':
      return b.title ? t('line:event.template', { party, number: b.number, title: b.title }) : t('line:event.templateUntitled', { party, number: b.number });
    case 'message':
      return t('line:event.messageUnknown', { party, by });
    case 'key.revoke':
      return t('line:event.keyRevoke', { party, time: typeof b.compromisedAt === 'number' ? formatTime(b.compromisedAt, ctx.zone) : '?' });
    case 'key.rotate':
      return t('line:event.keyRotate', { party });
    default:
      return t('line:event.other', { party, kind: item.kind });
  }
}

const TONE: Record<string, string> = { 'key.revoke': 'tr-alert', escalation: 'tr-alert', 'check.missed': 'tr-alert', conflict: 'tr-alert', 'call.decline': 'tr-warn', 'call.unanswered': 'tr-warn', 'line.test': 'tr-muted', 'line.test.reply': 'tr-muted', 'line.settings': 'tr-muted' };

/** Beside a one-line entry: a revoked key signed it after its compromise, in words (and a sign), not colour alone. */
function Disputed({ item }: { item: RawItem }) {
  if (!item.disputed) return null;
  return (
    <span class="tr-disputed" data-disputed="true" title={t('line:disputed.explain', { party: item.party })}>
      <span aria-hidden="true">⚠ </span>{t('line:disputed.title')}
    </span>
  );
}

/** A compact, one-line entry: an acknowledgement, a call attempt, a notice, a line test… */
export function EventItem({ item, ctx }: { item: RawItem; ctx: ItemContext }) {
  const id = idOf(item);
  return (
    <li id={domId(id)} class={`tr-item tr-event ${TONE[item.kind] ?? ''}${item.disputed ? ' tr-alert tr-is-disputed' : ''}${ctx.unread?.(id) ? ' tr-unread' : ''}`} data-id={id} data-kind={item.kind} data-disputed={item.disputed ? 'true' : undefined} tabIndex={-1}>
      {ctx.unread?.(id) && <span class="tr-new">{t('line:unread')}</span>}
      <time dateTime={new Date(item.time).toISOString()}>{formatTime(item.time, ctx.zone)}</time>
      <span class="tr-event-text">{describe(item, ctx)}</span>
      <Disputed item={item} />
    </li>
  );
}

/** A check call: the other side's duty officer must acknowledge it in time. */
export function CheckItem({ item, ctx }: { item: RawItem; ctx: ItemContext }) {
  const id = idOf(item);
  const c = ctx.checks.get(id);
  const b = item.body ?? {};
  const ackBy = c?.ackBy ?? (typeof b.ackBy === 'number' ? b.ackBy : null);
  const acked = c?.acks ?? [];
  const ours = item.party === ctx.us;
  // The station's state of the check; one it has not listed yet is waiting for everyone.
  const waitingForUs = c ? c.silent.includes(ctx.us) : !ours;
  const status = c?.status ?? 'waiting';
  const dom = domId(id);
  const slot = typeof (c?.at ?? b.at) === 'number' ? formatTime(c?.at ?? b.at, ctx.zone) : String(b.slot ?? '');
  return (
    <li id={dom} class={`tr-item tr-event tr-check${status === 'missed' ? ' tr-alert' : ''}${waitingForUs && status === 'waiting' ? ' tr-awaiting' : ''}${ctx.unread?.(id) ? ' tr-unread' : ''}`} data-id={id} data-kind="check" tabIndex={-1}>
      {ctx.unread?.(id) && <span class="tr-new">{t('line:unread')}</span>}
      <time dateTime={new Date(item.time).toISOString()}>{formatTime(item.time, ctx.zone)}</time>
      <span class="tr-event-text" id={`${dom}-h`}>
        {ours ? t('line:check.ours', { slot }) : t('line:check.theirs', { party: item.party, slot })}
      </span>
      <span id={`${dom}-status`} tabIndex={-1} class={`tr-status tr-check-${status}`} data-status={status}>
        <strong>{t(`line:check.status.${status}`)}</strong>
        {acked.map((a) => <span key={a.party}> {t('line:status.ackedBy', { by: a.by, party: a.party })} {formatTime(a.time, ctx.zone)}{a.late ? ` ${t('line:check.late')}` : ''}.</span>)}
        {status === 'waiting' && ackBy !== null && <span> {t('line:status.dueBy', { time: formatTime(ackBy, ctx.zone) })}</span>}
      </span>
      <Disputed item={item} />
      {waitingForUs && (status === 'waiting' || status === 'missed') && ctx.canSpeak && <AckButton ctx={ctx} id={id} describedBy={`${dom}-h`} />}
    </li>
  );
}
