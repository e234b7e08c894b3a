// The notices API as the console reads it: the wire's views (src/wire/notice.ts), and how the map draws them.
import type { NoticeView } from '../../../src/wire/notice.ts';

export type { ConflictView, NoticeView } from '../../../src/wire/notice.ts';

export type Position = [number, number];

/** A notice's area as the wire carries it (the core's NoticeArea: GeoJSON, a Point with a radius in metres). */
export type NoticeArea = NoticeView['area'];

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
