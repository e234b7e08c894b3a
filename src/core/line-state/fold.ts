import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema, Static } from '@sinclair/typebox';
import type { Entry } from '../entry.ts';
import { ACK_KIND, AckEntryBody } from '../kinds/ack.ts';
import {
  CALL_ACCEPT, CALL_CANCEL, CALL_DECLINE, CALL_END, CALL_REQUEST, CALL_UNANSWERED,
  CallAcceptEntryBody, CallCancelEntryBody, CallDeclineEntryBody, CallEndEntryBody, CallRequestEntryBody, CallUnansweredEntryBody,
} from '../kinds/call.ts';
import { CHECK_KIND, CHECK_MISSED, CheckEntryBody, CheckMissedEntryBody } from '../kinds/check.ts';
import { ESCALATION_KIND, EscalationEntryBody } from '../kinds/escalation.ts';
import { LINE_TEST, LINE_TEST_REPLY, LineTestReplyBody } from '../kinds/line-test.ts';
import { KEY_REVOKE, KEY_ROTATE } from '../kinds/key.ts';
import { foldKeyChange } from './keys.ts';
import { MESSAGE_KIND, MessageEntryBody } from '../kinds/message.ts';
import { CONFLICT_KIND, NOTICE_KIND, NOTICE_WITHDRAW, ConflictEntryBody, NoticeEntryBody, NoticeWithdrawEntryBody, checkNotice } from '../kinds/notice.ts';
import { READOUT_KIND, ReadoutEntryBody } from '../kinds/readout.ts';
import { refId } from '../kinds/ref.ts';
import { SETTINGS_KIND, LineSettings } from '../kinds/settings.ts';
import { PRESENCE_KIND, PresenceEntryBody } from '../kinds/presence.ts';
import { TEMPLATE_KIND, TemplateEntryBody } from '../kinds/template.ts';
import { TRANSLATION_KIND, TranslationEntryBody } from '../kinds/translation.ts';
import { compareStamps, insertStamped, stampOf, type Stamp } from './order.ts';
import { noticesConflict } from './notices.ts';
import { pairKey, type CallAnswerKind, type LineState } from './state.ts';

function compiled<T extends TSchema>(schema: T): (v: unknown) => v is Static<T> {
  const check: TypeCheck<T> = TypeCompiler.Compile(schema);
  return (v: unknown): v is Static<T> => check.Check(v);
}

const is = {
  message: compiled(MessageEntryBody),
  ack: compiled(AckEntryBody),
  translation: compiled(TranslationEntryBody),
  escalation: compiled(EscalationEntryBody),
  template: compiled(TemplateEntryBody),
  settings: compiled(LineSettings),
  request: compiled(CallRequestEntryBody),
  accept: compiled(CallAcceptEntryBody),
  decline: compiled(CallDeclineEntryBody),
  unanswered: compiled(CallUnansweredEntryBody),
  cancel: compiled(CallCancelEntryBody),
  end: compiled(CallEndEntryBody),
  readout: compiled(ReadoutEntryBody),
  notice: compiled(NoticeEntryBody),
  withdraw: compiled(NoticeWithdrawEntryBody),
  conflict: compiled(ConflictEntryBody),
  check: compiled(CheckEntryBody),
  missed: compiled(CheckMissedEntryBody),
  testReply: compiled(LineTestReplyBody),
  presence: compiled(PresenceEntryBody),
};

/**
 * Folds one entry into the line's state. Entries may come in any order and
 * more than once: one that names an entry not held yet waits for it, and a
 * repeat changes nothing. Entries that break the rules of their kind (a
 * party answering its own call, a malformed body) stay in the log but do not
 * change the state: the log records what was said, the state what counts.
 */
export function foldEntry(state: LineState, entry: Entry): void {
  const id = refId(entry);
  if (state.applied.has(id)) return;
  state.applied.add(id);
  settle(state, entry, id);
  // A reply is remembered only until the entry it names is folded, whatever kind that turns out to be.
  state.answeredTests.delete(id);
}

/** Applies a folded entry, or holds it until the entry it names arrives. */
function settle(state: LineState, entry: Entry, id: string): void {
  const target = apply(state, entry);
  if (target) {
    const list = state.waiting.get(target) ?? [];
    list.push(entry);
    state.waiting.set(target, list);
    return;
  }
  const waiters = state.waiting.get(id);
  if (waiters) {
    state.waiting.delete(id);
    for (const w of waiters) settle(state, w, refId(w));
  }
}

/** Applies the entry, or returns the id of the entry it must wait for. */
function apply(s: LineState, e: Entry): string | undefined {
  const b = e.body;
  const stamp = stampOf(e);
  const bad = () => {
    s.malformed++;
    return undefined;
  };
  switch (e.kind) {
    case MESSAGE_KIND: {
      if (!is.message(b)) return bad();
      // Spelled out rather than spread: messages are most of a line, and this keeps each one a compact object.
      s.messages.set(stamp.id, {
        id: stamp.id, party: stamp.party, seq: stamp.seq, time: stamp.time, seen: stamp.seen,
        from: b.from, text: b.text, lang: b.lang, precedence: b.precedence ?? 'ROUTINE', ackBy: b.ackBy, template: b.template,
        acks: [], translations: [], escalations: [],
        ...(b.exercise ? { exercise: true as const } : {}),
      });
      if (e.party !== s.me) s.openIncoming.add(stamp.id);
      else if (s.line.parties.length > 1) s.openOutgoing.add(stamp.id);
      return;
    }
    case ACK_KIND: {
      if (!is.ack(b)) return bad();
      const target = refId(b.ref);
      if (b.ref.party === e.party) return;
      const item = s.messages.get(target) ?? s.notices.get(target) ?? s.checks.get(target);
      if (!item) return target;
      insertStamped(item.acks, { ...stamp, by: b.by });
      if (e.party === s.me) s.openIncoming.delete(target);
      if (item.party === s.me && s.openOutgoing.has(target) && s.line.parties.every((p) => p.name === s.me || item.acks.some((a) => a.party === p.name))) s.openOutgoing.delete(target);
      return;
    }
    case TRANSLATION_KIND: {
      if (!is.translation(b)) return bad();
      const m = s.messages.get(refId(b.ref));
      if (!m) return refId(b.ref);
      insertStamped(m.translations, { ...stamp, translator: b.translator, text: b.text, lang: b.lang, stage: b.stage });
      return;
    }
    case ESCALATION_KIND: {
      if (!is.escalation(b)) return bad();
      const m = s.messages.get(refId(b.ref));
      if (!m) return refId(b.ref);
      if (m.party === e.party) return;
      insertStamped(m.escalations, { ...stamp, level: b.level, notify: b.notify });
      return;
    }
    case TEMPLATE_KIND: {
      if (!is.template(b)) return bad();
      const now = s.templates.get(b.number);
      if (!now || compareStamps(now, stamp) < 0) s.templates.set(b.number, { ...stamp, number: b.number, title: b.title, texts: b.texts, precedence: b.precedence });
      return;
    }
    case PRESENCE_KIND: {
      if (!is.presence(b)) return bad();
      // A party speaks for its own people only; the newest entry of its log about a person counts.
      const key = `${e.party}\n${b.name}`;
      const now = s.presence.get(key);
      if (!now || now.seq < e.seq) s.presence.set(key, { ...stamp, name: b.name, status: b.status, ...(b.delegate ? { delegate: b.delegate } : {}) });
      return;
    }
    case SETTINGS_KIND: {
      if (!is.settings(b)) return bad();
      const now = s.settings.get(e.party);
      if (!now || now.seq < e.seq) s.settings.set(e.party, { ...stamp, settings: b });
      return;
    }
    case CALL_REQUEST: {
      if (!is.request(b)) return bad();
      if (b.toParty === e.party || !s.line.parties.some((p) => p.name === b.toParty)) return bad();
      s.calls.set(stamp.id, { ...stamp, from: b.from, toParty: b.toParty, to: b.to, ringUntil: b.ringUntil, fingerprint: b.fingerprint, answers: [], ends: [], ...(b.exercise ? { exercise: true as const } : {}) });
      return;
    }
    case CALL_ACCEPT:
    case CALL_DECLINE:
    case CALL_UNANSWERED:
    case CALL_CANCEL: {
      const kind = answerKinds[e.kind];
      const valid = kind === 'accept' ? is.accept(b) : kind === 'decline' ? is.decline(b) : kind === 'unanswered' ? is.unanswered(b) : is.cancel(b);
      if (!valid) return bad();
      const body = b as { call: { party: string; seq: number }; by?: string; reason?: string; fingerprint?: string };
      const call = s.calls.get(refId(body.call));
      if (!call) return refId(body.call);
      // The called party answers; the calling party gives up or withdraws.
      const answerer = kind === 'accept' || kind === 'decline' ? call.toParty : call.party;
      if (e.party !== answerer) return;
      insertStamped(call.answers, { ...stamp, kind, by: body.by, reason: body.reason, fingerprint: body.fingerprint });
      return;
    }
    case CALL_END: {
      if (!is.end(b)) return bad();
      const call = s.calls.get(refId(b.call));
      if (!call) return refId(b.call);
      if (e.party !== call.party && e.party !== call.toParty) return;
      insertStamped(call.ends, { ...stamp, by: b.by });
      return;
    }
    case READOUT_KIND: {
      if (!is.readout(b)) return bad();
      const callId = refId(b.call);
      const call = s.calls.get(callId);
      if (!call) return callId;
      if (e.party !== call.party && e.party !== call.toParty) return;
      const list = s.readouts.get(callId) ?? [];
      // A discreet line never has public readouts, whatever an entry claims.
      insertStamped(list, { ...stamp, call: callId, text: b.text, lang: b.lang, public: b.public && !s.line.discreet, by: b.by });
      s.readouts.set(callId, list);
      return;
    }
    case NOTICE_KIND: {
      if (!is.notice(b) || checkNotice(b)) return bad();
      const notice = { ...stamp, from: b.from, kind: b.kind, area: b.area, altitude: b.altitude, window: b.window, text: b.text, lang: b.lang, acks: [], ...(b.exercise ? { exercise: true as const } : {}) };
      s.notices.set(stamp.id, notice);
      for (const other of s.notices.values()) {
        if (other.party === notice.party || !noticesConflict(notice, other)) continue;
        const key = pairKey(notice.id, other.id);
        s.overlaps.set(key, { id: key, notices: notice.id < other.id ? [notice.id, other.id] : [other.id, notice.id] });
      }
      return;
    }
    case NOTICE_WITHDRAW: {
      if (!is.withdraw(b)) return bad();
      const n = s.notices.get(refId(b.notice));
      if (!n) return refId(b.notice);
      if (n.party !== e.party) return;
      if (!n.withdrawn || compareStamps(stamp, n.withdrawn) < 0) n.withdrawn = { ...stamp, by: b.by, reason: b.reason };
      return;
    }
    case CONFLICT_KIND: {
      if (!is.conflict(b)) return bad();
      const key = pairKey(refId(b.notices[0]), refId(b.notices[1]));
      const list = s.conflictRecords.get(key) ?? [];
      insertStamped(list, stamp);
      s.conflictRecords.set(key, list);
      return;
    }
    case CHECK_KIND: {
      if (!is.check(b)) return bad();
      s.checks.set(stamp.id, { ...stamp, slot: b.slot, at: b.at, ackBy: b.ackBy, acks: [], missed: [] });
      return;
    }
    case CHECK_MISSED: {
      if (!is.missed(b)) return bad();
      const c = s.checks.get(refId(b.check));
      if (!c) return refId(b.check);
      if (c.party !== e.party) return;
      insertStamped(c.missed, { ...stamp, link: b.link });
      return;
    }
    case KEY_ROTATE:
    case KEY_REVOKE:
      if (!foldKeyChange(s, e)) return bad();
      return;
    case LINE_TEST: {
      // A test is folded once, so a reply that came first need not be remembered after it: years of hourly tests keep nothing.
      if (s.answeredTests.delete(stamp.id)) return;
      if (e.party !== s.me) s.unansweredTests.set(stamp.id, stamp);
      return;
    }
    case LINE_TEST_REPLY: {
      if (!is.testReply(b)) return bad();
      if (e.party !== s.me) return;
      const test = refId(b);
      if (!s.unansweredTests.delete(test) && !s.applied.has(test)) s.answeredTests.add(test);
      return;
    }
    default:
      return;
  }
}

const answerKinds: Record<string, CallAnswerKind> = {
  [CALL_ACCEPT]: 'accept',
  [CALL_DECLINE]: 'decline',
  [CALL_UNANSWERED]: 'unanswered',
  [CALL_CANCEL]: 'cancel',
};

export type { Stamp };
