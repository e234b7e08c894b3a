import { firstAckPerParty } from '../../core/line-state/notices.ts';
import type { LineState, NoticeState } from '../../core/line-state/state.ts';
import type { ConflictView as ConflictState } from '../../core/line-state/notices.ts';
import type { ConflictView, NoticeView } from '../../wire/notice.ts';

export function presentNotice(s: LineState, n: NoticeState): NoticeView {
  const acks = firstAckPerParty(n.acks, n.party);
  const conflictsWith: string[] = [];
  for (const o of s.overlaps.values()) if (o.notices.includes(n.id)) conflictsWith.push(o.notices[0] === n.id ? o.notices[1] : o.notices[0]);
  return {
    id: n.id, party: n.party, seq: n.seq, time: n.time, from: n.from, kind: n.kind, area: n.area, altitude: n.altitude, window: n.window,
    text: n.text, lang: n.lang ?? null,
    acks: [...acks.entries()].map(([party, a]) => ({ party, by: a.by, time: a.time })),
    waitingFor: s.line.parties.map((p) => p.name).filter((p) => p !== n.party && !acks.has(p)),
    withdrawn: n.withdrawn ? { by: n.withdrawn.by, time: n.withdrawn.time, reason: n.withdrawn.reason ?? null } : null,
    conflictsWith: conflictsWith.sort(),
    exercise: n.exercise === true,
  };
}

export function presentConflict(c: ConflictState): ConflictView {
  return { id: c.id, notices: c.notices, active: c.active, recordedBy: [...new Set(c.records.map((r) => r.party))].sort(), records: c.records.map((r) => ({ id: r.id, party: r.party, time: r.time })) };
}
