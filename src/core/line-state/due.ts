import { checkSchedule, nextSlot, slotLabel, slotsBetween } from '../check-schedule/schedule.ts';
import type { EntryRef } from '../kinds/ref.ts';
import { parseRefId } from '../kinds/ref.ts';
import { defaultSettings, type LineSettings } from '../kinds/settings.ts';
import { callOutcome } from './calls.ts';
import { conflicts } from './notices.ts';
import type { LineState } from './state.ts';

/** Something this station must now write on the line, decided from the state and the time. */
export type DueAction =
  | { type: 'escalate'; message: EntryRef; level: number; notify: string | null }
  | { type: 'unanswered'; call: EntryRef }
  | { type: 'check'; slot: string; at: number; ackBy: number }
  | { type: 'check-missed'; check: EntryRef }
  | { type: 'conflict'; notices: [EntryRef, EntryRef] }
  | { type: 'line-test-reply'; test: EntryRef };

export interface DueContext {
  now: number;
  /** This station's watch roster for the line, in escalation order. */
  roster: string[];
}

export function ownSettings(s: LineState): LineSettings {
  return s.settings.get(s.me)?.settings ?? defaultSettings;
}

/**
 * What is due now, and when to look again. Everything is derived from
 * entries already held, so after a crash the same actions come due again and
 * nothing is done twice: an action stops being due once its entry is folded.
 */
export function dueActions(s: LineState, ctx: DueContext): { actions: DueAction[]; wake: number | null } {
  const actions: DueAction[] = [];
  let wake: number | null = null;
  const later = (t: number) => {
    if (t > ctx.now && (wake === null || t < wake)) wake = t;
  };
  const settings = ownSettings(s);
  const me = s.me;

  // A missed deadline raises the alarm, then climbs the watch roster a step at a time.
  const step = settings.escalationStepSeconds * 1000;
  const levels = Math.max(1, ctx.roster.length);
  for (const id of s.openIncoming) {
    const m = s.messages.get(id)!;
    if (m.ackBy === undefined) continue;
    const done = m.escalations.filter((e) => e.party === me).length;
    if (done >= levels) continue;
    const dueAt = m.ackBy + done * step;
    if (ctx.now >= dueAt) actions.push({ type: 'escalate', message: { party: m.party, seq: m.seq }, level: done + 1, notify: ctx.roster[done] ?? null });
    else later(dueAt);
  }

  for (const call of s.calls.values()) {
    if (call.party !== me || call.answers.some((a) => a.party === me)) continue;
    if (callOutcome(call).status !== 'ringing') continue;
    if (ctx.now >= call.ringUntil) actions.push({ type: 'unanswered', call: { party: call.party, seq: call.seq } });
    else later(call.ringUntil);
  }

  let lastCheck = 0;
  for (const c of s.checks.values()) {
    if (c.party !== me) continue;
    lastCheck = Math.max(lastCheck, c.at);
    if (c.missed.some((m) => m.party === me)) continue;
    const silent = s.line.parties.some((p) => p.name !== me && !c.acks.some((a) => a.party === p.name));
    if (!silent) continue;
    if (ctx.now >= c.ackBy) actions.push({ type: 'check-missed', check: { party: c.party, seq: c.seq } });
    else later(c.ackBy);
  }

  // A zone this runtime does not know must not stop escalations and calls too.
  const schedule = settings.checks && checkSchedule(settings.checks) === null ? settings.checks : null;
  if (schedule && s.line.parties.length > 1) {
    // Only the latest slot, and only while its window is open: a station that
    // was down sends no backlog of checks nobody could answer in time. New
    // settings do not skip a slot whose window is still open.
    const since = Math.max(lastCheck, (s.settings.get(me)?.time ?? 0) - schedule.windowMinutes * 60_000);
    const due = slotsBetween(schedule, since, ctx.now).at(-1);
    const window = schedule.windowMinutes * 60_000;
    if (due !== undefined && ctx.now < due + window) actions.push({ type: 'check', slot: slotLabel(schedule, due), at: due, ackBy: due + window });
    else later(nextSlot(schedule, ctx.now));
  }

  for (const c of conflicts(s)) {
    if (!c.active || c.records.some((r) => r.party === me)) continue;
    const [a, b] = c.notices.map((id) => parseRefId(id)!);
    actions.push({ type: 'conflict', notices: [a, b] });
  }

  for (const t of s.unansweredTests.values()) actions.push({ type: 'line-test-reply', test: { party: t.party, seq: t.seq } });

  return { actions, wake };
}
