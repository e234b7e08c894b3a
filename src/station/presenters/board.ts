import { nextSlot } from '../../core/check-schedule/schedule.ts';
import { precedences, type Precedence } from '../../core/kinds/precedence.ts';
import { callOutcome } from '../../core/line-state/calls.ts';
import { checkStatus } from '../../core/line-state/checks.ts';
import { messageProgress } from '../../core/line-state/messages.ts';
import type { LineState } from '../../core/line-state/state.ts';
import type { BoardCall, BoardLine } from '../../wire/board.ts';
import type { LinkState } from '../../wire/link-status.ts';

const DAY = 24 * 3600_000;

/**
 * One line as the status board shows it: what waits on whom by precedence,
 * calls ringing or in progress, each party's time zone and next check call.
 * Only what is still open is walked (the open sets, the calls), so a long
 * line's history costs nothing here.
 */
export function presentBoardLine(s: LineState, links: Record<string, LinkState>, lastContact: number | null, now: number): BoardLine {
  const others = s.line.parties.map((p) => p.name).filter((p) => p !== s.me);
  const lamp = others.length === 0 ? 'up' : others.every((p) => links[p] === 'up') ? 'up' : others.some((p) => links[p] === 'up' || links[p] === 'degraded') ? 'degraded' : 'down';
  const forUs = new Map<Precedence, { count: number; overdue: number }>();
  for (const id of s.openIncoming) {
    const m = s.messages.get(id);
    if (!m) continue;
    const w = forUs.get(m.precedence) ?? { count: 0, overdue: 0 };
    w.count++;
    if (m.ackBy !== undefined && now >= m.ackBy) w.overdue++;
    forUs.set(m.precedence, w);
  }
  const forThem = new Map<Precedence, { count: number; overdue: number; parties: Set<string> }>();
  for (const id of s.openOutgoing) {
    const m = s.messages.get(id);
    if (!m) continue;
    const p = messageProgress(s, m, now);
    if (p.waitingFor.length === 0) continue;
    const w = forThem.get(m.precedence) ?? { count: 0, overdue: 0, parties: new Set<string>() };
    w.count++;
    if (p.status === 'overdue') w.overdue++;
    for (const party of p.waitingFor) w.parties.add(party);
    forThem.set(m.precedence, w);
  }
  const calls: BoardCall[] = [];
  let missedCalls = 0;
  for (const c of s.calls.values()) {
    const o = callOutcome(c);
    const incoming = c.toParty === s.me && c.party !== s.me;
    if (o.status === 'ringing' && now < c.ringUntil) calls.push({ status: 'ringing', incoming, from: c.from, party: c.party, toParty: c.toParty, to: c.to ?? null, since: c.time });
    else if (o.status === 'accepted') calls.push({ status: 'accepted', incoming, from: c.from, party: c.party, toParty: c.toParty, to: o.answer?.by ?? null, since: o.startedAt ?? c.time });
    else if (o.status === 'unanswered' && incoming && (o.answer?.time ?? c.time) >= now - DAY) missedCalls++;
  }
  let checksWaitingForUs = 0;
  for (const c of s.checks.values()) {
    if (c.party !== s.me && !c.acks.some((a) => a.party === s.me) && checkStatus(s, c, now).status === 'waiting') checksWaitingForUs++;
  }
  const me = s.line.parties.find((p) => p.name === s.me);
  const ordered = [...(me ? [me] : []), ...s.line.parties.filter((p) => p.name !== s.me)];
  return {
    line: s.line.id,
    title: s.line.title,
    lamp,
    parties: ordered.map((p) => {
      const checks = s.settings.get(p.name)?.settings.checks ?? null;
      let next: number | null = null;
      try {
        next = checks ? nextSlot(checks, now) : null;
      } catch {
        next = null;
      }
      return { name: p.name, zone: checks?.zone ?? null, link: p.name === s.me ? null : links[p.name] ?? 'unknown', nextCheck: next };
    }),
    lastContact,
    waitingForUs: precedences.filter((p) => forUs.has(p)).map((p) => ({ precedence: p, ...forUs.get(p)! })),
    waitingForThem: precedences.filter((p) => forThem.has(p)).map((p) => {
      const w = forThem.get(p)!;
      return { precedence: p, count: w.count, overdue: w.overdue, parties: [...w.parties].sort() };
    }),
    checksWaitingForUs,
    calls: calls.sort((a, b) => (a.status === b.status ? a.since - b.since : a.status === 'ringing' ? -1 : 1)),
    missedCalls,
  };
}
