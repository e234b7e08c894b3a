import { useRef, useState } from 'preact/hooks';
import { t } from '../../../app/t.ts';
import { Precedence } from '../../../components/Precedence.tsx';
import { formatTime } from '../../../i18n/index.ts';
import { AckButton } from './AckButton.tsx';
import type { ItemContext } from './context.ts';
import { languageName } from './language.tsx';
import { TranslateForm } from './TranslateForm.tsx';
import { domId, type MessageStatus, type MessageView } from './types.ts';
import { ExerciseMark } from '../../../components/ExerciseMark.tsx';
import { partyName } from '../../../app/names.ts';

/** A message from another party that our party has not acknowledged yet, as the station says. */
export function awaitsUs(m: MessageView, us: string): boolean {
  return m.waitingFor.includes(us);
}

/** Said in words (and a sign), not by colour alone: a revoked key signed this after its compromise. */
export function DisputedMark({ party, id }: { party: string; id: string }) {
  return (
    <p id={`${id}-disputed`} class="tr-disputed tr-alert" data-disputed="true">
      <strong><span aria-hidden="true">⚠ </span>{t('line:disputed.title')}</strong> {t('line:disputed.explain', { party })}
    </p>
  );
}

const when = (ms: number, zone: string) => <time dateTime={new Date(ms).toISOString()}>{formatTime(ms, zone)}</time>;

function Status({ m, status, ctx }: { m: MessageView; status: MessageStatus; ctx: ItemContext }) {
  const list = (xs: string[]) => xs.join(', ');
  // Our own part is said by "waiting for our acknowledgement" above.
  const others = m.waitingFor.filter((p) => p !== ctx.us);
  return (
    <p id={`${domId(m.id)}-status`} tabIndex={-1} class={`tr-status tr-status-${status}`} data-status={status}>
      <strong class="tr-status-word">
        <span aria-hidden="true">{status === 'acknowledged' ? '✓✓ ' : status === 'delivered' ? '✓ ' : status === 'overdue' ? '⚠ ' : '… '}</span>
        {t(`line:status.${status}`)}
      </strong>
      {status === 'delivered' && <span> {t('line:status.deliveredTo', { parties: list(m.deliveredTo) })}</span>}
      {m.acks.map((a) => (
        <span key={a.party} class="tr-acked"> {t('line:status.ackedBy', { by: a.by, party: a.party })} {when(a.time, ctx.zone)}.</span>
      ))}
      {status !== 'acknowledged' && m.ackBy !== null && (
        <span class={status === 'overdue' ? 'tr-overdue' : ''}> {t(status === 'overdue' ? 'line:status.wasDue' : 'line:status.dueBy', { time: formatTime(m.ackBy, ctx.zone) })}</span>
      )}
      {status !== 'acknowledged' && others.length > 0 && <span> {t('line:status.waitingFor', { parties: list(others) })}</span>}
    </p>
  );
}

/** One message: who, when, precedence and state in words, the original and its translations side by side. */
export function MessageItem({ m, ctx }: { m: MessageView; ctx: ItemContext }) {
  const [translating, setTranslating] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const status = m.status;
  const incoming = m.party !== ctx.us;
  const waiting = awaitsUs(m, ctx.us);
  const id = domId(m.id);
  // The station marks both views; either one is enough (a live message event may come before the transcript is read again).
  const disputed = m.disputed === true || ctx.entries.get(m.id)?.disputed === true;
  const classes = ['tr-item', 'tr-message', `tr-prec-${m.precedence}`, incoming ? 'tr-incoming' : 'tr-ours', waiting ? 'tr-awaiting' : '', status === 'overdue' ? 'tr-is-overdue' : '', disputed ? 'tr-is-disputed' : '', m.exercise ? 'tr-exercise' : '', ctx.unread?.(m.id) ? 'tr-unread' : ''];
  const hasTranslations = m.translations.length > 0;
  return (
    <li id={id} class={classes.filter(Boolean).join(' ')} data-id={m.id} data-kind="message" data-precedence={m.precedence} data-disputed={disputed ? 'true' : undefined} tabIndex={-1}>
      <article aria-labelledby={`${id}-h`} aria-describedby={disputed ? `${id}-disputed` : undefined}>
        <header class="tr-head">
          {ctx.unread?.(m.id) && <span class="tr-new">{t('line:unread')}</span>}
          <h3 id={`${id}-h`} class="tr-who">
            <span class="tr-party">{partyName(m.party)}</span>
            <span class="tr-sep" aria-hidden="true"> · </span>
            <span class="tr-author">{m.from}</span>{' '}
            <Precedence value={m.precedence} />
            {m.exercise && <> <ExerciseMark /></>}
          </h3>
          {when(m.time, ctx.zone)}
          {m.template !== null && <span class="tr-muted">{t('line:message.template', { number: m.template })}</span>}
        </header>
        {disputed && <DisputedMark party={m.party} id={id} />}
        {waiting && <p class="tr-await-note">{m.precedence === 'FLASH' ? t('line:message.flashAwaitsUs') : t('line:message.awaitsUs')}</p>}
        <Status m={m} status={status} ctx={ctx} />
        <div class={`tr-texts${hasTranslations ? ' tr-two' : ''}`}>
          <div class="tr-original">
            <h4 id={`${id}-orig`}>{t('line:message.original', { lang: languageName(m.lang) })}</h4>
            <p class="tr-text" lang={m.lang ?? undefined}>{m.text}</p>
          </div>
          {hasTranslations && (
            <div class="tr-translations">
              <h4 id={`${id}-trs`} class="tr-sr">{t('line:message.translations', { count: m.translations.length })}</h4>
              {m.translations.map((x) => (
                <div key={x.id} class={`tr-translation tr-stage-${x.stage}`} data-lang={x.lang} data-stage={x.stage}>
                  <h5>{t('line:message.translation', { lang: languageName(x.lang), stage: t(`line:stage.${x.stage}`) })}</h5>
                  <p class="tr-meta">{t('line:message.translatedBy', { translator: x.translator, party: x.party })} {when(x.time, ctx.zone)}</p>
                  <p class="tr-text" lang={x.lang}>{x.text}</p>
                </div>
              ))}
            </div>
          )}
        </div>
        {m.escalations.length > 0 && (
          <ul class="tr-escalations">
            {m.escalations.map((e) => (
              <li key={e.id}>
                {e.notify ? t('line:message.escalated', { party: e.party, level: e.level, notify: e.notify }) : t('line:message.escalatedNobody', { party: e.party, level: e.level })} {when(e.time, ctx.zone)}
              </li>
            ))}
          </ul>
        )}
        {(waiting && ctx.canSpeak) || ctx.canTranslate ? (
          <div class="tr-actions">
            {waiting && ctx.canSpeak && <AckButton ctx={ctx} id={m.id} describedBy={`${id}-h`} />}
            {ctx.canTranslate && !translating && (
              <button type="button" class="secondary" ref={toggle} aria-expanded="false" aria-describedby={`${id}-h`} onClick={() => setTranslating(true)} data-action="translate">
                {t('line:translate.open')}
              </button>
            )}
          </div>
        ) : null}
        {translating && (
          <TranslateForm
            ctx={ctx}
            message={m}
            onClose={() => {
              setTranslating(false);
              setTimeout(() => toggle.current?.focus(), 0);
            }}
          />
        )}
      </article>
    </li>
  );
}
