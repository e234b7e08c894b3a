// Wire shapes the Transcript tab reads (see src/station/api/routes/{entries,messages,checks,line-config}.ts).

export interface RawItem {
  party: string;
  seq: number;
  time: number;
  kind: string;
  body: Record<string, any>;
  deliveredTo: string[];
}

export interface TranscriptPage { items: RawItem[]; total: number; pending: number; next: number | null }

export type MessageStatus = 'sent' | 'delivered' | 'acknowledged' | 'overdue';

export interface MessageView {
  id: string;
  party: string;
  seq: number;
  time: number;
  from: string;
  text: string;
  lang: string | null;
  precedence: string;
  ackBy: number | null;
  template: number | null;
  status: MessageStatus;
  deliveredTo: string[];
  waitingFor: string[];
  acks: Array<{ party: string; by: string; time: number; id: string }>;
  translations: Array<{ id: string; party: string; time: number; translator: string; lang: string; stage: string; text: string }>;
  escalations: Array<{ id: string; party: string; time: number; level: number; notify: string | null }>;
}

export type CheckStatus = 'waiting' | 'answered' | 'late' | 'missed';

export interface CheckView {
  id: string;
  party: string;
  seq: number;
  time: number;
  slot: string;
  at: number;
  ackBy: number;
  status: CheckStatus;
  acks: Array<{ party: string; by: string; time: number; late: boolean }>;
  silent: string[];
  missed: Array<{ party: string; time: number; link: Record<string, string> }>;
}

export interface Template {
  number: number;
  title: string | null;
  texts: Record<string, string>;
  precedence: string | null;
  definedBy: string;
  time: number;
}

export const precedences = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;
export const stages = ['sight', 'rough', 'official'] as const;
/** The languages offered first; any other BCP 47 tag may be typed. */
export const knownLanguages = ['en', 'ru', 'uk', 'fr'] as const;
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export const idOf = (x: { party: string; seq: number }) => `${x.party}:${x.seq}`;

/** "Party:seq" of an entry reference in a body field, if it is one. */
export function refOf(body: Record<string, any> | undefined, field: string): string | undefined {
  const r = body?.[field];
  return r && typeof r.party === 'string' && typeof r.seq === 'number' ? idOf(r) : undefined;
}

/** A DOM id for an entry ("Party:seq" has a colon, awkward in selectors). */
export const domId = (id: string) => `tr-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
