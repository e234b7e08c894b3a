import type { AlarmRaise } from '../../core/alarm/alarm.ts';
import type { LineState } from '../../core/line-state/state.ts';
import type { AlarmView } from '../../wire/alarm.ts';
import { alarmTabs } from '../../wire/alarm.ts';
import type { AlarmRecord } from '../storage/store.ts';

type Words = AlarmView['words'];

/** Enough of a message's text to recognise it across the room; the transcript has the rest. */
const excerpt = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/**
 * The words an alarm is told in, taken when it is raised: the line's title,
 * the party and the person, the message's text and time. People read these,
 * so no internal reference ("Moscow:9", a line id) goes in; the console
 * makes the sentence in the member's language (i18n `alarm.<kind>`).
 */
export function alarmWords(change: AlarmRaise, state: LineState | undefined): Words {
  const words: Words = {};
  if (state) words.line = state.line.title;
  if (change.party) words.party = change.party;
  if (change.precedence) words.precedence = change.precedence;
  const item = change.item;
  const message = item ? state?.messages.get(item) : undefined;
  if (message) Object.assign(words, { from: message.from, time: message.time, text: excerpt(message.text) });
  const call = item ? state?.calls.get(item) : undefined;
  if (call) Object.assign(words, { from: call.from, time: call.time });
  const check = item ? state?.checks.get(item) : undefined;
  if (check) Object.assign(words, { slot: check.slot, time: check.at });
  for (const [k, v] of Object.entries(change.detail ?? {})) {
    if (k === 'exercise') continue;
    if (typeof v === 'string' || typeof v === 'number') words[k] = v;
    // A check call's link readings, one per party that did not answer: "Moscow (link up)".
    else if (v && typeof v === 'object' && !Array.isArray(v)) words[k] = Object.entries(v).map(([p, s]) => `${p} (${s})`).join(', ');
  }
  if (change.kind === 'conflict' && state) {
    const notices = ((change.detail?.notices as string[] | undefined) ?? []).map((id) => state.notices.get(id)).filter((n) => n !== undefined);
    words.notices = notices.map((n) => `${n.party}: ${excerpt(n.text, 60)}`).join(' / ');
  }
  delete words.message;
  return words;
}

const tabOf: Record<string, (typeof alarmTabs)[number]> = {
  flash: 'transcript', immediate: 'transcript', overdue: 'transcript', deadline: 'transcript', 'check-missed': 'transcript',
  call: 'calls', 'call-missed': 'calls', conflict: 'notices', equivocation: 'audit', signalling: 'calls',
};

export function presentAlarm(a: AlarmRecord): AlarmView {
  const words = (a.subject.detail?.words ?? {}) as Words;
  const tab = tabOf[a.kind];
  return {
    id: a.id,
    kind: a.kind as AlarmView['kind'],
    line: a.line,
    raisedAt: a.raisedAt,
    precedence: (a.subject.precedence ?? null) as AlarmView['precedence'],
    item: a.subject.item ?? null,
    place: a.line && tab ? { line: a.line, tab } : null,
    words,
    acknowledged: a.ackedBy !== null && a.ackedAt !== null ? { by: a.ackedBy, at: a.ackedAt } : null,
    cleared: a.clearedAt !== null ? { at: a.clearedAt, why: a.clearedWhy ?? '', by: a.clearedBy } : null,
    sounding: a.ackedAt === null && a.clearedAt === null,
    exercise: a.subject.detail?.exercise === true,
  };
}
