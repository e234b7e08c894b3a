import type { Entry } from '../entry.ts';
import type { Line } from '../line.ts';
import type { NoticeArea } from '../notice-area/area.ts';
import type { LineSettings } from '../kinds/settings.ts';
import type { Precedence } from '../kinds/precedence.ts';
import type { NoticeKind } from '../kinds/notice.ts';
import type { Stamp } from './order.ts';
import { FoldedEntries } from './folded.ts';

export interface AckRecord extends Stamp { by: string }
export interface TranslationRecord extends Stamp { translator: string; text: string; lang: string; stage: 'sight' | 'rough' | 'official' }
export interface EscalationRecord extends Stamp { level: number; notify: string | null }

export interface MessageState extends Stamp {
  from: string;
  text: string;
  lang?: string;
  precedence: Precedence;
  /** Absent on messages written before deadlines existed. */
  ackBy?: number;
  template?: number;
  /** Exercise traffic, not real: marked everywhere and counted apart. */
  exercise?: true;
  acks: AckRecord[];
  translations: TranslationRecord[];
  escalations: EscalationRecord[];
}

export type CallAnswerKind = 'accept' | 'decline' | 'unanswered' | 'cancel';
export interface CallAnswer extends Stamp { kind: CallAnswerKind; by?: string; reason?: string; fingerprint?: string }

export interface CallState extends Stamp {
  from: string;
  toParty: string;
  to?: string;
  ringUntil: number;
  fingerprint?: string;
  exercise?: true;
  /** Every answer recorded, valid or not; callOutcome decides which counts. */
  answers: CallAnswer[];
  ends: Array<Stamp & { by: string }>;
}

export interface ReadoutRecord extends Stamp { call: string; text: string; lang?: string; public: boolean; by: string }

export interface NoticeState extends Stamp {
  from: string;
  kind: NoticeKind;
  area: NoticeArea;
  altitude: { lower: number; upper: number };
  window: { start: number; end: number };
  text: string;
  lang?: string;
  exercise?: true;
  acks: AckRecord[];
  withdrawn?: Stamp & { by: string; reason?: string };
}

/** Two parties' notices that overlap in area, altitude and time. */
export interface Overlap {
  id: string;
  notices: [string, string];
}

export interface CheckState extends Stamp {
  slot: string;
  at: number;
  ackBy: number;
  acks: AckRecord[];
  missed: Array<Stamp & { link: Record<string, string> }>;
}

/**
 * A key change a party recorded in its log on this line: from entry `from`
 * on, its entries are signed by `key` (verifier key text). A rotation takes
 * effect after its entry, a revocation at its own entry (the replacement
 * signs it). Verified before it was stored; the fold only remembers where.
 */
export interface KeyChange {
  party: string;
  seq: number;
  from: number;
  by: 'rotation' | 'revocation';
  key: string;
  /** For a revocation: the revoked key and the compromise time it records. */
  revoked?: string;
  compromisedAt?: number;
}

/** Where a person of a party is, as the party's latest presence entry on the line says. */
export interface PresenceRecord extends Stamp { name: string; status: 'terminal' | 'reachable' | 'away'; delegate?: string }

export interface TemplateRecord extends Stamp { number: number; title?: string; texts: Record<string, string>; precedence?: Precedence }
export interface SettingsRecord extends Stamp { settings: LineSettings }

/**
 * Everything one station knows about a line, folded from its entries. The
 * fold is order-free: any arrival order of the same entries gives the same
 * state, so stations that hold the same entries agree without coordinating.
 */
export interface LineState {
  line: Line;
  /** The station holding this state: what is "incoming" and what it must do. */
  me: string;
  /** Entries folded: applied, or waiting in `waiting` for the entry they name. */
  applied: FoldedEntries;
  messages: Map<string, MessageState>;
  calls: Map<string, CallState>;
  /** Published readouts per call id, in entry order. */
  readouts: Map<string, ReadoutRecord[]>;
  notices: Map<string, NoticeState>;
  /** Every overlapping pair of different parties' notices, keyed "a|b" (sorted ids). */
  overlaps: Map<string, Overlap>;
  /** Conflict entries per pair key, whoever wrote them (they may arrive before the notices). */
  conflictRecords: Map<string, Stamp[]>;
  checks: Map<string, CheckState>;
  templates: Map<number, TemplateRecord>;
  /** Each party's latest settings. */
  settings: Map<string, SettingsRecord>;
  /** The newest presence each party shared of its people, keyed "party\nname". */
  presence: Map<string, PresenceRecord>;
  /** Line tests of other parties that this station has not answered. */
  unansweredTests: Map<string, Stamp>;
  /** Our replies to line tests not folded yet (a reply can be folded before its test); dropped once the test is. */
  answeredTests: Set<string>;
  /** Entries that name an entry not held yet, keyed by the id they wait for. */
  waiting: Map<string, Entry[]>;
  /** Messages from other parties this station has not acknowledged. */
  openIncoming: Set<string>;
  /** This station's messages that some other party has not acknowledged yet. */
  openOutgoing: Set<string>;
  /** Every party's key changes on this line, by party then position. */
  keyChanges: KeyChange[];
  /** Entries whose bodies did not match their kind: kept in the log, ignored here. */
  malformed: number;
}

export function createLineState(line: Line, me: string): LineState {
  return {
    line, me,
    applied: new FoldedEntries(), messages: new Map(), calls: new Map(), readouts: new Map(), notices: new Map(),
    overlaps: new Map(), conflictRecords: new Map(), checks: new Map(), templates: new Map(), settings: new Map(), presence: new Map(),
    unansweredTests: new Map(), answeredTests: new Set(), waiting: new Map(), openIncoming: new Set(), openOutgoing: new Set(), keyChanges: [], malformed: 0,
  };
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
