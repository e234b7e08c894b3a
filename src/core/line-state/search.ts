import type { Precedence } from '../kinds/precedence.ts';
import { checkStatus } from './checks.ts';
import { compareStamps, type Stamp } from './order.ts';
import type { LineState } from './state.ts';

export const searchKinds = ['message', 'call', 'notice', 'check', 'readout'] as const;
export type SearchKind = (typeof searchKinds)[number];

export interface LineSearch {
  /** Words to find, in any case and any Unicode form; every word must appear. */
  q?: string;
  /** Only what waits for this station's acknowledgement (messages, check calls). */
  waitingForUs?: boolean;
  precedence?: Precedence;
  kind?: SearchKind;
  exercise?: 'include' | 'exclude' | 'only';
}

/** Text folded for matching: NFKC, lower case, so "Ｋyiv", "KYIV" and "kyiv" meet. */
export const fold = (text: string) => text.normalize('NFKC').toLowerCase();

interface Candidate { stamp: Stamp; kind: SearchKind; texts: string[]; precedence?: Precedence; exercise: boolean; waiting: boolean }

/**
 * The items of a line that match a search, newest first: messages (their
 * text, author and translations), calls (caller, callee, a decline's reason),
 * notices, check calls and readouts. Pure: it reads only the folded state.
 */
export function searchLine(s: LineState, q: LineSearch, now: number): Stamp[] {
  const words = q.q ? fold(q.q).split(/\s+/).filter(Boolean) : [];
  const out: Candidate[] = [];
  for (const m of s.messages.values()) {
    out.push({ stamp: m, kind: 'message', texts: [m.text, m.from, ...m.translations.map((t) => t.text)], precedence: m.precedence, exercise: m.exercise === true, waiting: s.openIncoming.has(m.id) });
  }
  for (const c of s.calls.values()) {
    out.push({ stamp: c, kind: 'call', texts: [c.from, c.to ?? '', ...c.answers.map((a) => `${a.by ?? ''} ${a.reason ?? ''}`)], exercise: c.exercise === true, waiting: false });
  }
  for (const n of s.notices.values()) out.push({ stamp: n, kind: 'notice', texts: [n.text, n.from], exercise: n.exercise === true, waiting: false });
  for (const c of s.checks.values()) {
    const waiting = c.party !== s.me && checkStatus(s, c, now).silent.includes(s.me) && checkStatus(s, c, now).status === 'waiting';
    out.push({ stamp: c, kind: 'check', texts: [c.slot], exercise: false, waiting });
  }
  for (const list of s.readouts.values()) for (const r of list) out.push({ stamp: r, kind: 'readout', texts: [r.text, r.by], exercise: false, waiting: false });

  return out
    .filter((c) => {
      if (q.kind && c.kind !== q.kind) return false;
      if (q.precedence && c.precedence !== q.precedence) return false;
      if (q.waitingForUs && !c.waiting) return false;
      if (q.exercise === 'exclude' && c.exercise) return false;
      if (q.exercise === 'only' && !c.exercise) return false;
      if (words.length === 0) return true;
      const text = fold(c.texts.join('\n'));
      return words.every((w) => text.includes(w));
    })
    .map((c) => c.stamp)
    .sort((a, b) => compareStamps(b, a));
}
