import type { Entry } from '../core/entry.ts';
import { refId } from '../core/kinds/ref.ts';
import { conflicts } from '../core/line-state/notices.ts';
import { pairKey, type LineState } from '../core/line-state/state.ts';
import type { FeedEvent } from './feed.ts';
import { presentCall } from './presenters/call.ts';
import { presentCheck } from './presenters/check.ts';
import { presentMessage } from './presenters/message.ts';
import { presentConflict, presentNotice } from './presenters/notice.ts';

const refOf = (body: Record<string, unknown>, field: string) => {
  const r = body[field] as { party?: unknown; seq?: unknown } | undefined;
  return r && typeof r.party === 'string' && typeof r.seq === 'number' ? refId({ party: r.party, seq: r.seq }) : undefined;
};

/**
 * The entries themselves, as consoles hear them. They need nothing but the
 * entries, so they are told the moment the entries are folded, before any
 * read of the store that a failing database could hold up or lose.
 */
export function entryEvents(line: string, entries: Entry[]): FeedEvent[] {
  return entries.map((e) => ({ type: 'entry', line, need: 'read', entry: { id: refId(e), party: e.party, seq: e.seq, time: e.time, kind: e.kind, body: e.body } }));
}

/**
 * What consoles must hear about what entries just folded into a line's
 * state changed: the new state of a message, a call, a notice, a check, a
 * conflict, already presented (the entries themselves: entryEvents).
 */
export function liveEvents(s: LineState, entries: Entry[], receipts: (party: string) => Map<string, number>, now: number): FeedEvent[] {
  const line = s.line.id;
  const out: FeedEvent[] = [];
  const touched = { message: new Set<string>(), call: new Set<string>(), notice: new Set<string>(), check: new Set<string>() };
  for (const e of entries) {
    const id = refId(e);
    const b = e.body;
    switch (e.kind) {
      case 'message': touched.message.add(id); break;
      case 'translation': case 'escalation': { const r = refOf(b, 'ref'); if (r) touched.message.add(r); break; }
      case 'ack': {
        const r = refOf(b, 'ref');
        if (r && s.messages.has(r)) touched.message.add(r);
        if (r && s.notices.has(r)) touched.notice.add(r);
        if (r && s.checks.has(r)) touched.check.add(r);
        break;
      }
      case 'call.request': touched.call.add(id); break;
      case 'call.accept': case 'call.decline': case 'call.unanswered': case 'call.cancel': case 'call.end': { const r = refOf(b, 'call'); if (r) touched.call.add(r); break; }
      case 'readout': {
        const r = refOf(b, 'call');
        if (r && s.readouts.get(r)?.some((x) => x.id === id)) out.push({ type: 'readout', line, need: 'read', call: r, readout: { id, party: e.party, time: e.time, by: b.by, public: s.readouts.get(r)!.find((x) => x.id === id)!.public } });
        break;
      }
      case 'notice': touched.notice.add(id); break;
      case 'notice.withdraw': { const r = refOf(b, 'notice'); if (r) touched.notice.add(r); break; }
      case 'check': touched.check.add(id); break;
      case 'check.missed': { const r = refOf(b, 'check'); if (r) touched.check.add(r); break; }
    }
    const escalated = e.kind === 'escalation' ? refOf(b, 'ref') : undefined;
    if (escalated && s.messages.has(escalated)) {
      out.push({ type: 'deadline', line, need: 'read', message: escalated, level: b.level, notify: b.notify, by: e.party });
    }
  }
  for (const id of touched.message) {
    const m = s.messages.get(id);
    if (m) out.push({ type: 'message', line, need: 'read', message: presentMessage(s, m, receipts(m.party), now) });
  }
  for (const id of touched.call) {
    const c = s.calls.get(id);
    if (!c) continue;
    const view = presentCall(c);
    out.push({ type: 'call', line, need: 'read', call: view });
    if (view.status === 'ringing' && c.toParty === s.me && entries.some((e) => refId(e) === id)) out.push({ type: 'call.ringing', line, need: 'read', call: view });
  }
  const noticeIds = new Set(touched.notice);
  for (const id of noticeIds) {
    const n = s.notices.get(id);
    if (n) out.push({ type: 'notice', line, need: 'read', notice: presentNotice(s, n) });
  }
  const conflictKeys = new Set<string>();
  for (const e of entries) if (e.kind === 'conflict' && Array.isArray(e.body.notices) && e.body.notices.length === 2) {
    const [a, b] = (e.body.notices as Array<Record<string, unknown>>).map((x) => refId(x as { party: string; seq: number }));
    conflictKeys.add(pairKey(a, b));
  }
  // Only batches that touched a notice or a conflict can change one (most batches are messages).
  if (noticeIds.size > 0 || conflictKeys.size > 0) {
    for (const c of conflicts(s)) if (c.notices.some((n) => noticeIds.has(n)) || conflictKeys.has(c.id)) out.push({ type: 'conflict', line, need: 'read', conflict: presentConflict(c) });
  }
  for (const id of touched.check) {
    const c = s.checks.get(id);
    if (c) out.push({ type: 'check', line, need: 'read', check: presentCheck(s, c, now) });
  }
  return out;
}
