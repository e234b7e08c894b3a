import { isValidKeyName } from './note/key.ts';

/** A party as the line knows it: its signed-note key name and verifier key text. */
export interface LineParty {
  name: string;
  key: string;
}

/** The definition every party's station holds of one line. */
export interface Line {
  id: string;
  title: string;
  parties: LineParty[];
  discreet: boolean;
  createdAt: number;
}

const LINE_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function isLineId(id: string): boolean {
  return LINE_ID.test(id);
}

/**
 * The checkpoint origin of one party's log on one line. It names both, so a
 * checkpoint can never be replayed as another line's or another party's.
 */
export function logOrigin(lineId: string, party: string): string {
  return `hotline/line/${lineId}/${party}`;
}

/** The line and party a checkpoint origin names, or null if it is not a Hotline log's origin. */
export function parseLogOrigin(origin: string): { line: string; party: string } | null {
  const m = /^hotline\/line\/([^/]+)\/([^/]+)$/.exec(origin);
  if (!m || !isLineId(m[1]) || !validPartyName(m[2])) return null;
  return { line: m[1], party: m[2] };
}

export function partyOf(line: Line, name: string): LineParty | undefined {
  return line.parties.find((p) => p.name === name);
}

export function validPartyName(name: string): boolean {
  return isValidKeyName(name) && /^[A-Za-z0-9._-]{1,64}$/.test(name);
}
