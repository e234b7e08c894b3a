import type { Entry } from '../entry.ts';
import type { Line } from '../line.ts';
import type { Stamp } from './order.ts';
import { FoldedEntries } from './folded.ts';
import {
  createLineState, type CallState, type CheckState, type LineState, type MessageState, type NoticeState, type Overlap,
  type KeyChange, type ReadoutRecord, type PresenceRecord, type SettingsRecord, type TemplateRecord,
} from './state.ts';

/** Bumped whenever the fold or this format changes what a snapshot means: an old one is then refolded from the logs. */
// 3: presence (issue 11).
export const SNAPSHOT_VERSION = 3;

/**
 * A line's folded state as plain JSON, so a station with years of records
 * resumes from it and folds only what came after, instead of every entry.
 * The line itself is not in it (the station reads it from storage); only
 * what the fold depended on, so a snapshot taken under a different
 * definition of the line is refused and the line refolded.
 */
export interface LineStateSnapshot {
  v: number;
  me: string;
  /** What of the line the fold used: its parties and whether it is discreet. */
  line: string;
  /** Per party: every seq below `below` folded, and those in `above`. */
  folded: Array<[party: string, below: number, above: number[]]>;
  messages: MessageState[];
  calls: CallState[];
  readouts: Array<[call: string, ReadoutRecord[]]>;
  notices: NoticeState[];
  overlaps: Overlap[];
  conflictRecords: Array<[pair: string, Stamp[]]>;
  checks: CheckState[];
  templates: TemplateRecord[];
  settings: SettingsRecord[];
  presence: PresenceRecord[];
  unansweredTests: Stamp[];
  answeredTests: string[];
  waiting: Array<[target: string, Entry[]]>;
  openIncoming: string[];
  openOutgoing: string[];
  keyChanges: KeyChange[];
  malformed: number;
}

/** What of a line its fold depends on: parties (names, in order) and discretion. */
export function lineShape(line: Line): string {
  return JSON.stringify({ parties: line.parties.map((p) => p.name), discreet: line.discreet });
}

export function toSnapshot(s: LineState): LineStateSnapshot {
  return {
    v: SNAPSHOT_VERSION,
    me: s.me,
    line: lineShape(s.line),
    folded: [...s.applied.logs].map(([party, log]) => [party, log.below, [...log.above].sort((a, b) => a - b)]),
    messages: [...s.messages.values()],
    calls: [...s.calls.values()],
    readouts: [...s.readouts],
    notices: [...s.notices.values()],
    overlaps: [...s.overlaps.values()],
    conflictRecords: [...s.conflictRecords],
    checks: [...s.checks.values()],
    templates: [...s.templates.values()],
    settings: [...s.settings.values()],
    presence: [...s.presence.values()],
    unansweredTests: [...s.unansweredTests.values()],
    answeredTests: [...s.answeredTests],
    waiting: [...s.waiting],
    openIncoming: [...s.openIncoming],
    openOutgoing: [...s.openOutgoing],
    keyChanges: s.keyChanges,
    malformed: s.malformed,
  };
}

/**
 * The state a snapshot holds, for `line` as stored now; undefined when the
 * snapshot cannot stand for it (another version, station or line shape,
 * or not a snapshot at all), so the caller folds the logs instead.
 */
export function fromSnapshot(line: Line, me: string, snapshot: unknown): LineState | undefined {
  const snap = snapshot as LineStateSnapshot;
  if (!snap || typeof snap !== 'object' || snap.v !== SNAPSHOT_VERSION || snap.me !== me || snap.line !== lineShape(line)) return undefined;
  // JSON gives plain copies; structuredClone would too, but a parsed value is already one.
  const s = createLineState(line, me);
  s.applied = foldedFrom(snap.folded);
  for (const m of snap.messages) s.messages.set(m.id, m);
  for (const c of snap.calls) s.calls.set(c.id, c);
  for (const [call, list] of snap.readouts) s.readouts.set(call, list);
  for (const n of snap.notices) s.notices.set(n.id, n);
  for (const o of snap.overlaps) s.overlaps.set(o.id, o);
  for (const [pair, list] of snap.conflictRecords) s.conflictRecords.set(pair, list);
  for (const c of snap.checks) s.checks.set(c.id, c);
  for (const t of snap.templates) s.templates.set(t.number, t);
  for (const r of snap.settings) s.settings.set(r.party, r);
  for (const r of snap.presence) s.presence.set(`${r.party}\n${r.name}`, r);
  for (const t of snap.unansweredTests) s.unansweredTests.set(t.id, t);
  for (const id of snap.answeredTests) s.answeredTests.add(id);
  for (const [target, list] of snap.waiting) s.waiting.set(target, list);
  for (const id of snap.openIncoming) s.openIncoming.add(id);
  for (const id of snap.openOutgoing) s.openOutgoing.add(id);
  s.keyChanges = snap.keyChanges;
  s.malformed = snap.malformed;
  return s;
}

function foldedFrom(logs: LineStateSnapshot['folded']): FoldedEntries {
  const folded = new FoldedEntries();
  for (const [party, below, above] of logs) folded.logs.set(party, { below, above: new Set(above) });
  return folded;
}
