import type { Precedence } from '../kinds/precedence.ts';

/**
 * What a watch floor must not miss. An alarm is station state: raised once
 * per cause (its `key`), then open until a person acknowledges it or its
 * cause goes away (the FLASH acknowledged on the line, the call answered,
 * the link back up), which `clear` records.
 */
export const alarmKinds = [
  /** A FLASH or IMMEDIATE message from another party. */
  'flash', 'immediate',
  /** A call ringing for this station; then a call that went unanswered here. */
  'call', 'call-missed',
  /** A message of ours that missed its deadline (sender's side), and an escalation we wrote (receiver's side). */
  'overdue', 'deadline',
  'check-missed', 'conflict',
  /** The link to a peer station went down or degraded. */
  'link',
  /** What the station's own checks found: a forked log, lost entries, a failed integrity check, a call's signalling refused. */
  'equivocation', 'recovery', 'integrity', 'signalling',
] as const;
export type AlarmKind = (typeof alarmKinds)[number];

/** What an alarm is about, in the fields people's words are made of (the station's presenter names them). */
export interface AlarmSubject {
  line?: string;
  /** The entry it is about: a message, a call, a check call, a notice. */
  item?: string;
  /** The other party concerned (the sender, the caller, the peer). */
  party?: string;
  precedence?: Precedence;
  /** Anything else the words need: an escalation's level, a link's status, a check's link readings, a finding. */
  detail?: Record<string, unknown>;
}

export interface AlarmRaise extends AlarmSubject {
  type: 'raise';
  /** One per cause: raising the same cause again (a restart, a second replica, a re-fold) changes nothing. */
  key: string;
  kind: AlarmKind;
  at: number;
}

export interface AlarmClear {
  type: 'clear';
  key: string;
  at: number;
  /** Why the cause went away, as a word: 'acknowledged', 'answered', 'declined', 'cancelled', 'unanswered', 'up'. */
  why: string;
  /** Who made it go away, where a person did. */
  by?: string;
}

export type AlarmChange = AlarmRaise | AlarmClear;

const alarming: Partial<Record<Precedence, AlarmKind>> = { FLASH: 'flash', IMMEDIATE: 'immediate' };

/** The alarm of a message of the given precedence from another party, if its precedence raises one. */
export function messageAlarmKind(precedence: Precedence): AlarmKind | undefined {
  return alarming[precedence];
}

export const alarmKey = {
  message: (line: string, item: string) => `message|${line}|${item}`,
  call: (line: string, item: string) => `call|${line}|${item}`,
  missedCall: (line: string, item: string) => `call-missed|${line}|${item}`,
  overdue: (line: string, item: string) => `overdue|${line}|${item}`,
  deadline: (line: string, item: string, level: number) => `deadline|${line}|${item}|${level}`,
  check: (line: string, item: string) => `check-missed|${line}|${item}`,
  conflict: (line: string, notices: string[]) => `conflict|${line}|${[...notices].sort().join('+')}`,
  link: (peer: string, at: number) => `link|${peer}|${at}`,
  /** A finding with no item to name: one per kind, place and moment. */
  finding: (kind: string, where: string, at: number) => `${kind}|${where}|${at}`,
};
