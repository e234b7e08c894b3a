// The notices API as the console reads it (src/station/presenters/notice.ts).

export type Position = [number, number];

export type NoticeArea =
  | { type: 'Point'; coordinates: Position; radius: number }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export const noticeKinds = ['flight_operations', 'exercise', 'missile_launch', 'naval_transit', 'airspace_closure', 'other'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

export interface NoticeView {
  id: string;
  party: string;
  seq: number;
  time: number;
  from: string;
  kind: NoticeKind | string;
  area: NoticeArea;
  altitude: { lower: number; upper: number };
  window: { start: number; end: number };
  text: string;
  lang: string | null;
  acks: Array<{ party: string; by: string; time: number }>;
  waitingFor: string[];
  withdrawn: { by: string; time: number; reason: string | null } | null;
  conflictsWith: string[];
}

export interface ConflictView {
  id: string;
  notices: [string, string];
  active: boolean;
  recordedBy: string[];
}

/** How one party's notices look on the map and in the legend: colour and pattern, never colour alone. */
export interface PartyStyle {
  party: string;
  colour: string;
  pattern: 'diagonal' | 'dots' | 'horizontal' | 'cross' | 'vertical' | 'backslash';
}

// Darker tones: at least 4.5:1 on white, so they also serve as text and outlines.
// Red is kept for conflicts.
const palette = ['#0b4f9c', '#8a4b00', '#1b6e2a', '#6a2c91', '#00626b', '#7a2048', '#4a5560'];
const patterns: PartyStyle['pattern'][] = ['diagonal', 'dots', 'horizontal', 'cross', 'vertical', 'backslash'];

export function partyStyles(parties: string[]): PartyStyle[] {
  return parties.map((party, i) => ({ party, colour: palette[i % palette.length], pattern: patterns[i % patterns.length] }));
}
